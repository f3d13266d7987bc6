/**
 * #23, what a tick costs on CloudBase beyond its operation count: a query no index serves reads the whole
 * collection — on CloudBase (MongoDB) a collection scan, slow and billed by what it reads, and settle runs every
 * minute. The local database cannot tell (SQLite plans differently and is fast on small data), so this test drives
 * an order's whole life through the real functions — join, pay, 成团, the end, arrival, pickup, settle, release, a
 * short arrival, after-sales, delivery, a service voucher (the bench's section 7, small) — records every query that
 * selects documents (lists, counts, aggregates' leading $match, multi-document updates and removes) and checks each
 * against database/schema.json the way MongoDB picks an index: by `_id`, or an index whose first field the query
 * constrains (for `$or`, every branch), or one whose first field it sorts on.
 */
import { readFileSync } from 'fs'
import path from 'path'
import { orderLifecycle } from '../../bench/lifecycle'
import { redeemedVoucherLifecycle } from '../../bench/voucher-lifecycle'
import { releaseDue } from '@server/ledger/ledger-flow'
import { atTheSeam, database, testCloudForThisFile } from './support/cloud'

jest.setTimeout(300_000)
const cloud = testCloudForThisFile()

type Filter = Record<string, unknown>
interface Listing { action: string; collection: string; filter: Filter; sort: string[] }
interface Schema { collections: Record<string, { indexes?: Array<{ fields: Array<[string, number]> }> }> }

const schema = JSON.parse(readFileSync(path.join(__dirname, '../../database/schema.json'), 'utf8')) as Schema

function parsed(v: unknown): Filter {
  if (typeof v === 'string') return v ? (JSON.parse(v) as Filter) : {}
  return (v as Filter) ?? {}
}

/** What a request selects by: its query, or an aggregate's leading $match; and its sort. */
function listingOf(action: string, p: Record<string, unknown>): Listing {
  const stages = (p.stages ?? []) as Array<{ stageKey: string; stageValue: string }>
  const filter = action === 'database.aggregateDocuments' ? (stages[0]?.stageKey === '$match' ? parsed(stages[0].stageValue) : {}) : parsed(p.query)
  return { action, collection: String(p.collectionName), filter, sort: Object.keys(parsed(p.order)) }
}

const SELECTING = new Set(['database.getDocument', 'database.calculateDocument', 'database.aggregateDocuments'])

async function listingsOf(fn: () => Promise<unknown>): Promise<Listing[]> {
  const { calls } = await atTheSeam(cloud, fn)
  return calls
    .filter(({ action, params: p, inTransaction }) => !inTransaction && (SELECTING.has(action) || ((action === 'database.modifyDocument' || action === 'database.removeDocument') && p.multi !== false && p.queryType !== 'DOC')))
    .map(({ action, params }) => listingOf(action, params))
}

/** Whether MongoDB can serve `filter` (sorted by `sort`) from an index of `collection` rather than a collection scan. */
function indexServes(collection: string, filter: Filter, sort: readonly string[]): boolean {
  const leading = new Set((schema.collections[collection]?.indexes ?? []).map((i) => i.fields[0][0]))
  leading.add('_id')
  const served = (f: Filter): boolean => {
    const keys = Object.keys(f)
    if (keys.some((k) => leading.has(k))) return true
    if (keys.includes('$and') && (f.$and as Filter[]).some(served)) return true
    if (keys.includes('$or') && (f.$or as Filter[]).every(served)) return true
    return false
  }
  return served(filter) || (sort.length > 0 && leading.has(sort[0]))
}

/** Reads of everything by design: the daily reconcile sums the whole ledger (admin.reconcile's audit, once a day). */
const WHOLE_BOOK = new Set(['aggregateDocuments ledgerEntries where []'])

const shapeOf = (l: Listing) => `${l.action.replace('database.', '')} ${l.collection} where ${JSON.stringify(Object.keys(l.filter))}${l.sort.length ? ` sort ${l.sort.join(',')}` : ''}`

it('the rule: a query by _id, by an index’s first field, by each branch of an $or, or sorted on a first field; nothing else', () => {
  expect(indexServes('orders', { _id: 'x' }, [])).toBe(true)
  expect(indexServes('orders', { status: 'PAID', rollOverUntil: { $gt: 0 } }, [])).toBe(true)
  expect(indexServes('orders', { rollOverUntil: { $gt: 0 } }, [])).toBe(false)
  expect(indexServes('orders', { $and: [{ rollOverUntil: 1 }, { openid: 'a' }] }, [])).toBe(true)
  expect(indexServes('orders', { $or: [{ openid: 'a' }, { rollOverUntil: 1 }] }, [])).toBe(false)
  expect(indexServes('orders', { rollOverUntil: 1 }, ['paidAt'])).toBe(true)
  expect(indexServes('orders', { openid: 'a' }, [])).toBe(true)
  expect(indexServes('nowhere', { a: 1 }, [])).toBe(false)
})

it('every query an order’s whole life makes (and settle with it) is served by an index on CloudBase', async () => {
  const listings = await listingsOf(async () => {
    await orderLifecycle(cloud, 6, 2)
    await redeemedVoucherLifecycle(cloud, 3)
    // The after-sales orders' release, past their window: their tallies hold units, so their cases are read.
    await releaseDue(database(), Date.now() + 49 * 3600_000)
  })
  const shapes = new Set(listings.map(shapeOf))
  // The drive reached the passes that matter: settle's marks, the codes' reservation, the release and its cases, and
  // settle's probe of orders — an $or of every pass's selection there, each branch of which must be served (the
  // roll-over heal's among them: since #23's matcher it runs only when the probe finds one of its orders).
  for (const seen of [
    'getDocument orders where ["shippingDueAt"]',
    'getDocument orders where ["succeededDueAt"]',
    'getDocument orders where ["groupBuyId","codeDueAt"]',
    'getDocument orders where ["ledger.released","ledger.pickedUpAt","_id"] sort _id',
    'getDocument afterSalesCases where ["orderId"]',
    'getDocument orders where ["$or"]',
  ]) expect(shapes).toContain(seen)
  const probe = listings.find((l) => l.collection === 'orders' && shapeOf(l) === 'getDocument orders where ["$or"]')!
  expect(JSON.stringify(probe.filter)).toContain('rollOverRefundFen')
  expect(listings.length).toBeGreaterThan(200)
  const unserved = [...new Set(listings.filter((l) => !indexServes(l.collection, l.filter, l.sort)).map(shapeOf))]
  // Before: the roll-over heal's recent refunds (every tick), each release's read of its order's cases, the daily
  // list of payees in debt — each a collection scan on CloudBase.
  expect(unserved.filter((shape) => !WHOLE_BOOK.has(shape))).toEqual([])
})
