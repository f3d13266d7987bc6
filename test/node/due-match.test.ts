/**
 * #23: settle skips a pass when its selection, asked of the documents the tick's probe read, matches none of them
 * (server/due-match.ts). A matcher that says "no" where the database says "yes" would skip that work in every tick,
 * for ever. So every selection settle registers is asked of a corpus of documents built from the values its fields
 * take (and the ones around them: missing, null, the other types, the edges of each time window), both by the matcher
 * and by the database's own query — and the two must agree on every document. Where the matcher cannot decide it must
 * say so (null), never guess.
 */
import { matchesSelection, fieldsOfSelection } from '@server/due-match'
import type { DueQuery } from '@server/due'
import * as couponFlow from '@server/coupons/coupon-flow'
import * as redeemFlow from '@server/coupons/redeem-flow'
import * as rollOver from '@server/group-buys/roll-over'
import * as windUp from '@server/group-buys/wind-up'
import * as ledgerFlow from '@server/ledger/ledger-flow'
import * as saleEntries from '@server/ledger/sale-entries'
import * as notify from '@server/messages/notify'
import * as outbox from '@server/messages/outbox'
import * as paymentFlow from '@server/payments/payment-flow'
import * as refunds from '@server/payments/refunds'
import * as shipping from '@server/payments/shipping'
import * as handoverRecords from '@server/pickup/handover-records'
import * as pickupFlow from '@server/pickup/pickup-flow'
import * as reminders from '@server/pickup/reminders'
import * as voucherChanges from '@server/vouchers/changes'
import { database, testCloudForThisFile } from './support/cloud'

jest.setTimeout(120_000)
testCloudForThisFile()

const MODULES = [couponFlow, redeemFlow, rollOver, windUp, ledgerFlow, saleEntries, notify, outbox, paymentFlow, refunds, shipping, handoverRecords, pickupFlow, reminders, voucherChanges]

function isDueQuery(v: unknown): v is DueQuery {
  return typeof v === 'object' && v !== null && typeof (v as DueQuery).collection === 'string' && typeof (v as DueQuery).where === 'function'
}

/** Every selection the modules settle's passes come from export (a new one is covered by being exported). */
const SELECTIONS: Array<[string, DueQuery]> = MODULES.flatMap((m) => Object.entries(m).filter(([, v]) => isDueQuery(v)) as Array<[string, DueQuery]>)

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648
    return x / 2147483648
  }
}

const NOW = Date.UTC(2026, 11, 7, 4, 0, 0)
const MINUTE = 60_000
/** What a field may hold: missing, null, the other types, and numbers on every side of every window the selections use. */
const TIMES = [0, -1, 1, NOW, NOW - 1, NOW + 1, NOW - 5 * MINUTE, NOW - 29 * MINUTE, NOW - 31 * MINUTE, NOW - 3 * 3600_000, NOW - 25 * 3600_000, NOW - 49 * 3600_000, NOW - 8 * 86400_000, NOW + 5 * MINUTE, NOW + 90 * MINUTE, NOW + 3 * 3600_000, NOW + 25 * 3600_000]
const STATUSES = ['PENDING_PAYMENT', 'PAID', 'READY_FOR_PICKUP', 'PICKED_UP', 'REFUNDED', 'EXPIRED', 'OPEN', 'SUCCEEDED', 'FAILED', 'CLOSED', 'DONE', 'PENDING', 'SENT']
const MISSING = Symbol('missing')
const VALUES: unknown[] = [MISSING, null, true, false, '0', '1', String(NOW), ...TIMES, ...STATUSES]
const LEDGERS: unknown[] = [MISSING, null, {}, { released: false, pickedUpAt: null }, { released: false }, { released: true, pickedUpAt: NOW - 49 * 3600_000 }, ...TIMES.map((t) => ({ released: false, pickedUpAt: t }))]

/** The values a selection's conditions name, per field path, and those one either side of each number. */
function hintsOf(where: unknown, into = new Map<string, unknown[]>(), field?: string): Map<string, unknown[]> {
  const add = (path: string, v: unknown) => into.set(path, [...(into.get(path) ?? []), ...(typeof v === 'number' ? [v - 1, v, v + 1] : [v])])
  if (where && typeof where === 'object' && 'operator' in where && 'operands' in where) {
    const { operator, operands } = where as { operator: string; operands: unknown }
    const list = Array.isArray(operands) ? operands : [operands]
    if (field && operator === 'exists') {
      add(field, list[0] ? 1 : MISSING)
    } else if (field && (operator === 'in' || operator === 'nin')) {
      for (const v of list) add(field, v)
    } else {
      // A logic command's operands: commands on the same field, or (top level) selections of their own.
      for (const v of list) {
        if (v && typeof v === 'object') hintsOf(v, into, field)
        else if (field) add(field, v)
      }
    }
    return into
  }
  if (where && typeof where === 'object') {
    for (const [k, v] of Object.entries(where as Record<string, unknown>)) {
      if (v && typeof v === 'object') hintsOf(v, into, k)
      else add(k, v)
    }
  }
  return into
}

function corpus(where: unknown, fields: string[], n: number, seed: number): Array<Record<string, unknown>> {
  const next = rng(seed)
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]
  const hints = hintsOf(where)
  // Most values are ones the selection names (so every selection matches some documents), the rest any value.
  const valueFor = (path: string) => (hints.has(path) && next() < 0.7 ? pick(hints.get(path)!) : pick(VALUES))
  return Array.from({ length: n }, (_, i) => {
    const doc: Record<string, unknown> = { _id: `m${seed}-${i}` }
    for (const f of fields) {
      const nested = [...hints.keys()].filter((k) => k.startsWith(`${f}.`))
      let v: unknown
      if (nested.length > 0 && next() < 0.7) {
        const obj: Record<string, unknown> = {}
        for (const k of nested) {
          const x = valueFor(k)
          if (x !== MISSING) obj[k.slice(f.length + 1)] = x
        }
        v = obj
      } else {
        v = f === 'ledger' ? pick(LEDGERS) : valueFor(f)
      }
      if (v !== MISSING) doc[f] = v
    }
    return doc
  })
}

it('finds every selection settle registers (the corpus below covers them all)', () => {
  expect(SELECTIONS.length).toBeGreaterThanOrEqual(25)
  for (const [name, q] of SELECTIONS) expect([name, fieldsOfSelection(q.where(database().command, NOW))]).not.toEqual([name, null])
})

it.each(SELECTIONS.map(([name, q]) => [name, q] as const))('%s: the matcher answers as the database does, on every document', async (name, q) => {
  const db = database()
  const _ = db.command
  const where = q.where(_, NOW)
  const fields = fieldsOfSelection(where)!
  const seed = [...name].reduce((a, c) => a + c.charCodeAt(0), 0)
  const docs = corpus(where, fields, 300, seed)
  // Documents of the same ids that most selections match: some values of every field are what they ask.
  const collection = db.collection(q.collection)
  for (let i = 0; i < docs.length; i += 100) await collection.add({ data: docs.slice(i, i + 100) } as never)
  try {
    const ids = docs.map((d) => d._id as string)
    const found = new Set<string>()
    for (let i = 0; i < ids.length; i += 100) {
      const res = (await collection.where(_.and([where, { _id: _.in(ids.slice(i, i + 100)) }])).limit(100).get()) as { data: Array<{ _id: string }> }
      for (const d of res.data) found.add(d._id)
    }
    const disagreements = docs.flatMap((d) => {
      const said = matchesSelection(d, where)
      return said === found.has(d._id as string) ? [] : [{ doc: d, matcher: said, database: found.has(d._id as string) }]
    })
    expect(disagreements).toEqual([])
    // The corpus is not empty of matches or of misses for this selection (so the agreement means something).
    expect(found.size).toBeGreaterThan(0)
    expect(found.size).toBeLessThan(docs.length)
  } finally {
    await collection.where({ _id: _.in(docs.map((d) => d._id as string)) }).remove()
  }
})

it('says it cannot tell (null), never guesses, where it does not evaluate', () => {
  const _ = database().command
  expect(matchesSelection({ items: [{ sku: 'a' }] }, { items: _.elemMatch({ sku: 'a' }) })).toBeNull()
  expect(matchesSelection({ a: { b: 1 } }, { a: { b: 1 } })).toBeNull()
  expect(matchesSelection({ tags: ['x', 'y'] }, { tags: 'x' })).toBeNull()
  expect(matchesSelection({ n: 5 }, { n: _.mod(2, 1) })).toBeNull()
  // …and a null inside an $or with a true is still true; inside an $and with a false, still false.
  expect(matchesSelection({ a: 1, items: [] }, _.or([{ a: 1 }, { items: _.elemMatch({ x: 1 }) }]))).toBe(true)
  expect(matchesSelection({ a: 2, items: [] }, { a: 1, items: _.elemMatch({ x: 1 }) })).toBe(false)
})
