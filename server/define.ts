import type { ZodType, ZodTypeDef } from 'zod'
import type { Role } from '@shared/contracts/common'
import { ERROR_CODES, fail, type Result } from '@shared/errors'
import { getCloud, getDb } from '@server/cloud'
import { findById } from '@server/fetch'
import type { UserDoc } from '@server/users/model'

/** Who may call an action. `resident` means any caller with a WeChat identity. */
export type Access = readonly Role[] | 'timer' | 'payment-callback'

export interface Caller {
  openid: string
  /** Roles from the users collection plus `admin` from ADMIN_OPENIDS; loaded once per call, only when needed. */
  user(): Promise<UserDoc>
  /**
   * The caller's users document (null: none) when the action read it in a query of its own beside others, so that
   * user() does not read it again (pickup.verify reads the clerk and the resident in one, #23). Ignored once user()
   * has been asked: the call keeps one view of its caller.
   */
  primeUser(stored: StoredUser | null): void
}

/** A users document as stored: any field may be missing (a resident who never wrote one has none at all). */
export type StoredUser = Partial<Omit<UserDoc, '_id'>>

export interface ActionContext {
  caller: Caller
  now: number
  db: DB.Database
  cloud: ReturnType<typeof getCloud>
}

export interface ActionDef<I, O> {
  access: Access
  input: ZodType<I, ZodTypeDef, unknown>
  run(ctx: ActionContext, input: I): Promise<Result<O>>
}

/** Keeps each action's input type tied to its schema without repeating it. */
export function action<I, O>(def: ActionDef<I, O>): ActionDef<I, O> {
  return def
}

export function adminOpenids(): Set<string> {
  return new Set((process.env.ADMIN_OPENIDS ?? '').split(',').map((s) => s.trim()).filter(Boolean))
}

async function loadUser(db: DB.Database, openid: string): Promise<UserDoc> {
  return userFrom(openid, await findById<StoredUser>(db, 'users', openid))
}

function userFrom(openid: string, stored: StoredUser | null): UserDoc {
  const roles = new Set<Role>(['resident', ...(stored?.roles ?? [])])
  if (adminOpenids().has(openid)) roles.add('admin')
  return {
    _id: openid,
    roles: [...roles],
    pickupPointId: stored?.pickupPointId ?? null,
    boundPickupPointId: stored?.boundPickupPointId ?? null,
    nickname: stored?.nickname,
    createdAt: stored?.createdAt ?? 0,
  }
}

/** Fields CloudBase adds to every event from a mini-program; never part of an action's input. */
const PLATFORM_KEYS = new Set(['action', 'userInfo'])

function isTimerEvent(event: Record<string, unknown>): boolean {
  return event.Type === 'Timer' && typeof event.TriggerName === 'string'
}

/**
 * A cloud function's `main`: dispatch on `event.action`, establish identity from the WX context (never from
 * the event), check the action's access, validate the input strictly, run, and always reply with a Result.
 */
// Each action keeps its own input/output types; the table only needs to dispatch to them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function defineFunction(actions: Record<string, ActionDef<any, any>>, options: { timerAction?: string; paymentAction?: string; httpAction?: string } = {}) {
  return async function main(rawEvent: unknown): Promise<Result<unknown>> {
    try {
      return await dispatch(rawEvent)
    } catch (err) {
      // A failure of ours (database unreachable, a bug): logged, and still answered in the Result shape.
      console.error('[defineFunction] failed', err)
      return fail(ERROR_CODES.INTERNAL, 'internal error; safe to retry with the same requestId')
    }
  }

  async function dispatch(rawEvent: unknown): Promise<Result<unknown>> {
    const cloud = getCloud()
    const db = getDb()
    const now = Date.now()
    const event = (rawEvent && typeof rawEvent === 'object' && !Array.isArray(rawEvent) ? rawEvent : {}) as Record<string, unknown>
    const { OPENID } = cloud.getWXContext()
    const openid = typeof OPENID === 'string' ? OPENID : ''

    let name = typeof event.action === 'string' ? event.action : ''
    // A timer trigger carries no action: route it to the function's timer action. Routed even when the caller
    // has an identity, so a user replaying a timer event is refused by the access check (AUTH.FORBIDDEN).
    if (!name && isTimerEvent(event) && options.timerAction) name = options.timerAction
    // WeChat Pay's callback carries no action either; it is recognised by its shape and checked inside.
    if (!name && options.paymentAction && typeof event.outTradeNo === 'string') name = options.paymentAction
    // An HTTP-triggered call (WeChat Pay v3 posting a notification to notify_url) carries no action either.
    if (!name && options.httpAction && typeof event.httpMethod === 'string') name = options.httpAction

    const def = Object.prototype.hasOwnProperty.call(actions, name) ? actions[name] : undefined
    if (!def) return fail(ERROR_CODES.ACTION_UNKNOWN, `unknown action: ${name || '(none)'}`)

    let userPromise: Promise<UserDoc> | null = null
    const caller: Caller = {
      openid,
      user: () => (userPromise ??= loadUser(db, openid)),
      primeUser: (stored) => {
        userPromise ??= Promise.resolve(userFrom(openid, stored))
      },
    }

    if (def.access === 'timer') {
      if (openid || !isTimerEvent(event)) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'only the timer trigger runs this')
    } else if (def.access === 'payment-callback') {
      // Anyone can reach this, WeChat Pay or a forger: the handler trusts nothing in the event and confirms
      // every claim with cloudPay.queryOrder before acting on it.
    } else {
      if (!openid) return fail(ERROR_CODES.AUTH_UNAUTHENTICATED, 'no WeChat identity')
      if (!def.access.includes('resident')) {
        const user = await caller.user()
        if (!def.access.some((r) => user.roles.includes(r))) {
          return fail(ERROR_CODES.AUTH_FORBIDDEN, `requires role ${def.access.join(' or ')}`)
        }
      }
    }

    let input: unknown
    if (def.access === 'timer' || def.access === 'payment-callback') {
      input = event
    } else {
      // Copied as own data properties (fromEntries, not `body[key] =`): an own "__proto__" key from the JSON
      // would otherwise become the body's prototype, dodging .strict() and supplying fields by inheritance.
      const body = Object.fromEntries(Object.entries(event).filter(([key]) => !PLATFORM_KEYS.has(key)))
      const parsed = def.input.safeParse(body)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        return fail(ERROR_CODES.INPUT_INVALID, `${issue.path.join('.') || 'input'}: ${issue.message}`)
      }
      input = parsed.data
    }

    return def.run({ caller, now, db, cloud }, input)
  }
}
