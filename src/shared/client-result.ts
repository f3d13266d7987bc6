import type { ErrorCode } from './errors'

/**
 * What every call to the backend answers on the client: the function's own reply, or a failure that never reached a
 * cloud function (offline, host down, malformed reply). Lives in shared so stores, components and error copy can
 * name it without importing services (the one layer that does I/O).
 */

/** Client-side failure that never reached a cloud function. Kept apart from ERROR_CODES because the backend can never return it. */
export const NETWORK_ERROR = 'CLIENT.NETWORK' as const
export type ClientErrorCode = ErrorCode | typeof NETWORK_ERROR
export interface ClientError {
  code: ClientErrorCode
  message: string
}
export type ClientResult<T> = { ok: true; data: T } | { ok: false; error: ClientError }
