import { randomBytes } from 'crypto'

/** An erased resident's stand-in on their kept documents (orders, ratings, …): random, linked to nothing. */
export function newTombstone(): string {
  return `erased_${randomBytes(12).toString('hex')}`
}

/** Is this openid an erased resident's stand-in? Nobody reads as it: nothing is written for it (notices, messages). */
export function isTombstone(openid: string): boolean {
  return openid.startsWith('erased_')
}

/** The write that forgets the door a 配送到家 order went to (an erased resident's, once it needs no delivering). */
export function forgetDoor(_: DB.Database['command']): Record<string, unknown> {
  return { 'delivery.building': _.remove(), 'delivery.room': _.remove() }
}
