import { randomInt } from 'crypto'
import { isDuplicateWrite } from '@server/cloud'

/** `length` decimal digits from the OS's CSPRNG, leading zeros kept (every code equally likely). */
export function drawDigits(length: number): string {
  let out = ''
  // randomInt's range must stay below 2^48: draw in chunks of 6 digits.
  while (out.length < length) out += String(randomInt(0, 1_000_000)).padStart(6, '0')
  return out.slice(0, length)
}

export const MAX_CODE_DRAWS = 10

/**
 * Draw codes until `reserve` accepts one. `reserve` is the uniqueness check and must be atomic (a keyed insert):
 * two callers drawing the same code can never both get it. Random draws collide (the birthday bound makes a few
 * dozen collisions per 100,000 8-digit codes normal), so a collision just means drawing again.
 */
export async function allocateCode(draw: () => string, reserve: (code: string) => Promise<boolean>, maxDraws = MAX_CODE_DRAWS): Promise<string> {
  for (let i = 0; i < maxDraws; i++) {
    const code = draw()
    if (await reserve(code)) return code
  }
  throw new Error(`no free code after ${maxDraws} draws: the code space is nearly full`)
}

/** A reserve() backed by a collection keyed by the code itself: the duplicate insert is the collision. */
export function reserveKeyed(db: DB.Database, collection: string, data: Record<string, unknown>): (code: string) => Promise<boolean> {
  return async (code) => {
    try {
      await db.collection(collection).add({ data: { _id: code, ...data } })
      return true
    } catch (err) {
      if (isDuplicateWrite(err)) return false
      throw err
    }
  }
}
