import { AsyncLocalStorage } from 'async_hooks'

/**
 * wx-server-sdk's getWXContext() reads the caller's identity from process.env, which is process-wide. The host
 * serves many callers at once, so process.env is replaced by a view that answers WX_* keys from the current
 * call's own context (AsyncLocalStorage follows each call through its awaits). Outside a call, and for keys a
 * call did not set, no WX_ identity is visible at all: one caller's OPENID can never leak into another's call.
 */
const calls = new AsyncLocalStorage<Record<string, string>>()
let installed = false

export function installIdentityScope(): void {
  if (installed) return
  installed = true
  const real = process.env
  process.env = new Proxy(real, {
    get(target, key) {
      if (typeof key === 'string' && (key.startsWith('WX_') || key === 'TCB_SOURCE')) {
        const ctx = calls.getStore()
        return ctx ? ctx[key] : undefined
      }
      return Reflect.get(target, key)
    },
    // process.env only accepts plain assignments; forward them to the real object untouched.
    set(target, key, value) {
      ;(target as unknown as Record<string | symbol, unknown>)[key] = value
      return true
    },
  })
}

export interface CallIdentity {
  openid: string | null
  appid: string
}

export function runAs<T>(who: CallIdentity, fn: () => Promise<T>): Promise<T> {
  const ctx: Record<string, string> = { WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID', WX_APPID: who.appid }
  if (who.openid) ctx.WX_OPENID = who.openid
  return calls.run(ctx, fn)
}
