import type { z } from 'zod'
import { callFunction, type ClientResult } from './cloud'

/**
 * Binds one cloud function's contract (action -> zod input schema) and output table to a typed caller,
 * so `call('join', {...})` checks its input and result types against src/shared/contracts at compile time.
 * Only types are taken from the contracts: no zod code reaches the main package through this file.
 */
export function contractCaller<C extends Record<string, z.ZodTypeAny>, O extends { [K in keyof C]: unknown }>(name: string) {
  return <A extends keyof C & string>(action: A, input: z.input<C[A]>): Promise<ClientResult<O[A]>> =>
    callFunction<O[A]>(name, action, input as object)
}
