import Taro from '@tarojs/taro'
import type { AppError, Result } from '@/shared/errors'
import { NETWORK_ERROR, type ClientError, type ClientResult } from '@/shared/client-result'
import { getActingOpenid } from './identity'

export { NETWORK_ERROR, type ClientError, type ClientErrorCode, type ClientResult } from '@/shared/client-result'

function networkFailure(message: string): { ok: false; error: ClientError } {
  return { ok: false, error: { code: NETWORK_ERROR, message } }
}

function isResult<T>(value: unknown): value is Result<T> {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { ok?: unknown; error?: Partial<AppError> }
  if (v.ok === true) return 'data' in v
  return v.ok === false && typeof v.error?.code === 'string'
}

/** In H5 the page is served from the same origin as the local cloud host, so relative paths reach it. */
async function postLocal<T>(path: string, body: object): Promise<ClientResult<T>> {
  try {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-WX-OPENID': getActingOpenid() },
      body: JSON.stringify(body),
    })
    const json: unknown = await res.json().catch(() => null)
    if (isResult<T>(json)) return json
    return networkFailure(`HTTP ${res.status}: unexpected reply`)
  } catch (e) {
    return networkFailure(e instanceof Error ? e.message : String(e))
  }
}

/**
 * The one door to the backend. Pages never call this; stores call the domain services, which call this.
 * weapp: Taro.cloud.callFunction. H5 (local mode): POST /fn/<name> with the acting openid.
 */
export async function callFunction<T>(name: string, action: string, input: object = {}): Promise<ClientResult<T>> {
  const data = { action, ...input }
  if (process.env.TARO_ENV === 'weapp') {
    try {
      const res = await Taro.cloud.callFunction({ name, data })
      const result: unknown = res.result
      if (isResult<T>(result)) return result
      return networkFailure('unexpected reply from cloud function')
    } catch (e) {
      return networkFailure(e instanceof Error ? e.message : String(e))
    }
  }
  return postLocal<T>(`/fn/${name}`, data)
}

/** H5 only: the local payment simulator stands in for WeChat Pay. */
export function simulatePayment(orderId: string): Promise<ClientResult<unknown>> {
  return postLocal<unknown>('/sim/pay', { orderId })
}

/** Idempotency key for one user intent (a join, a claim); reuse it when retrying that same intent. */
export function newRequestId(): string {
  const rand = Math.random().toString(36).slice(2, 10)
  return `r${Date.now().toString(36)}${rand}`.padEnd(12, '0')
}
