import { randomBytes } from 'crypto'

/** An erased resident's stand-in on their kept documents (orders, ratings, …): random, linked to nothing. */
export function newTombstone(): string {
  return `erased_${randomBytes(12).toString('hex')}`
}

/** Is this openid an erased resident's stand-in? Nobody reads as it: nothing is written for it (notices, messages). */
export function isTombstone(openid: string): boolean {
  return openid.startsWith('erased_')
}
