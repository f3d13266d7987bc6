import { startLocalCloud, type LocalCloud } from '../../../local-cloud/host'
import { DEMO } from '../../../local-cloud/seed'
import { writeDueHandoverRecords } from '@server/pickup/handover-records'
import { writeDueSales } from '@server/ledger/sale-entries'

/** Loose document shape for assertions (tests read fields the way a JSON consumer would). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = Record<string, any>

/** A reply as it crosses the wire: `{ ok: true, data } | { ok: false, error: { code, message } }`. */
export interface Reply<T = Doc> {
  ok: boolean
  data: T
  error?: { code: string; message: string }
}

export interface TestCloud extends LocalCloud {
  /** The seeded pickup point demo-leader and demo-clerk are bound to. */
  pickupPointId: string
  /** The second seeded pickup point (demo-clerk-2's). */
  otherPickupPointId: string
  call<T = Doc>(fn: string, openid: string | null, event: Record<string, unknown>): Promise<Reply<T>>
}

/** A fresh in-memory local cloud with the demo seed, as the brief's handler tests use it. */
export async function startTestCloud(): Promise<TestCloud> {
  const cloud = await startLocalCloud({ seed: true, adminOpenids: [DEMO.admin], port: 0 })
  const call = async <T>(fn: string, openid: string | null, event: Record<string, unknown>) => (await cloud.invoke(fn, event, openid)) as Reply<T>
  const leader = await call<{ boundPickupPointId: string }>('user', DEMO.leader, { action: 'me' })
  const clerk2 = await call<{ boundPickupPointId: string }>('user', DEMO.otherClerk, { action: 'me' })
  return Object.assign(cloud, { call, pickupPointId: leader.data.boundPickupPointId, otherPickupPointId: clerk2.data.boundPickupPointId })
}

/**
 * A fresh test cloud for one test file: started before its tests, closed after them. The returned object
 * stands for it (calls reach the running instance), so tests read `cloud.call(...)` as usual.
 */
export function testCloudForThisFile(): TestCloud {
  let current: TestCloud | undefined
  beforeAll(async () => {
    current = await startTestCloud()
  })
  afterAll(async () => {
    await current?.close()
  })
  return new Proxy({} as TestCloud, {
    get(_target, key) {
      if (!current) throw new Error('the test cloud is not started yet (use it inside tests or hooks)')
      const value = Reflect.get(current, key)
      return typeof value === 'function' ? value.bind(current) : value
    },
  })
}

export interface GroupBuyTerms {
  stock?: number
  minParticipants?: number
  limitPerUser?: number
  priceFen?: number
  startAt?: number
  endAt?: number
  title?: string
}

/** demo-leader opens a group buy at their own pickup point (started a second ago, ends in an hour by default). */
export async function createGroupBuy(cloud: TestCloud, terms: GroupBuyTerms = {}): Promise<string> {
  const now = Date.now()
  const res = await cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.leader, {
    action: 'create',
    title: terms.title ?? '测试团购',
    priceFen: terms.priceFen ?? 1000,
    stock: terms.stock ?? 50,
    minParticipants: terms.minParticipants ?? 3,
    limitPerUser: terms.limitPerUser ?? 2,
    startAt: terms.startAt ?? now - 1000,
    endAt: terms.endAt ?? now + 3600_000,
    pickupPointId: cloud.pickupPointId,
  })
  if (!res.ok) throw new Error(`create failed: ${res.error?.code} ${res.error?.message}`)
  return res.data.groupBuyId
}

/**
 * A maker of ids unique in a test file's run (residents, titles, file names), readable in failures: `${prefix}-${tag}-`
 * then a counter and a random tail.
 */
export function idMaker(prefix: string): (tag: string) => string {
  let n = 0
  return (tag) => `${prefix}-${tag}-${++n}-${Math.random().toString(36).slice(2, 6)}`
}

let seq = 0
/** A fresh client-made requestId (the contract wants 8–64 URL-safe characters). */
export function newRequestId(tag = 'req'): string {
  return `${tag}-${Date.now().toString(36)}-${(++seq).toString(36)}-${Math.random().toString(36).slice(2, 8)}`
}

export function join(cloud: TestCloud, openid: string, groupBuyId: string, quantity: number, requestId = newRequestId()) {
  return cloud.call<{ orderId: string; status: string; amountFen: number; expiresAt: number }>('groupBuy', openid, { action: 'join', groupBuyId, quantity, requestId })
}

/** The database as the cloud functions see it (wx-server-sdk routed to the local SQLite). */
export function database(): DB.Database {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const sdk = require('wx-server-sdk') as { init(o: unknown): void; database(): DB.Database; DYNAMIC_CURRENT_ENV: unknown }
  sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV })
  return sdk.database()
}

export async function readDoc<T = Doc>(collection: string, id: string): Promise<T | null> {
  const res = (await database().collection(collection).where({ _id: id }).limit(1).get()) as unknown as { data: T[] }
  return res.data[0] ?? null
}

/** An order's ledger position (#23: stored on the order, `orders/<id>.ledger`), or null before its sale is booked. */
export async function readLedger<T = Doc>(orderId: string): Promise<T | null> {
  const order = await readDoc<{ ledger?: T }>('orders', orderId)
  return order?.ledger ?? null
}

/** As if the order's sale had never been booked: its ledger position removed from the order (entries left as they are). */
export async function unbookLedger(orderId: string): Promise<void> {
  await database().collection('orders').doc(orderId).update({ data: { ledger: database().command.remove() } })
}

export async function readAll<T = Doc>(collection: string, where: Record<string, unknown>): Promise<T[]> {
  const out: T[] = []
  for (let skip = 0; ; skip += 100) {
    const res = (await database().collection(collection).where(where).skip(skip).limit(100).get()) as unknown as { data: T[] }
    out.push(...res.data)
    if (res.data.length < 100) return out
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * What settle does every minute for hand-overs (#23): the audit lines and points entries that rode on their orders
 * (server/pickup/handover-records.ts) written into `verifications` and `pointEntries`. Tests that read those
 * collections after a hand-over run it first, as settle would.
 */
export async function copyHandoverRecords(): Promise<number> {
  return (await writeDueHandoverRecords(database())).written
}

/**
 * What settle does every minute for payments (#23): the sales' ledger entries that ride on their orders (their
 * positions say them: server/ledger/sale-entries.ts) written into `ledgerEntries`. Tests that read that collection
 * after a payment run it first, as settle (and every ledger view) would.
 */
export async function copyRidingSales(): Promise<number> {
  return (await writeDueSales(database())).written
}

/** One request a call made at the database seam: its action (`database.getDocument`, …), collection and query. */
export interface SeamCall {
  action: string
  collection: string
  query: unknown
  inTransaction: boolean
  /** The request as the SDK sent it (its order, an aggregate's stages, multi, queryType). */
  params: Record<string, unknown>
}

/** What `fn` costs at the database seam (#23's cost tests): the operations counted and every request it made. */
export async function atTheSeam<T>(cloud: TestCloud, fn: () => Promise<T>): Promise<{ result: T; ops: number; calls: SeamCall[] }> {
  const db = cloud.db as unknown as { handle(action: string, params?: Record<string, unknown>): Record<string, unknown> }
  const spy = jest.spyOn(db, 'handle')
  const before = cloud.db.stats.operations
  try {
    const result = await fn()
    const calls = spy.mock.calls.map(([action, p]) => ({ action, collection: String(p?.collectionName ?? ''), query: p?.query, inTransaction: !!p?.transactionId, params: p ?? {} }))
    return { result, ops: cloud.db.stats.operations - before, calls }
  } finally {
    spy.mockRestore()
  }
}

/** A call that must succeed (a test's set-up step): its data, or an error naming `what` and the refusal. */
export async function must<T = Doc>(p: Promise<{ ok: boolean; data: T; error?: { code: string; message: string } }>, what: string): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`${what}: ${r.error?.code} ${r.error?.message}`)
  return r.data
}

/** The pickup code a resident's order page shows (an error when the order shows none). */
export async function pickupCodeOf(cloud: TestCloud, openid: string, orderId: string): Promise<string> {
  const got = await cloud.call<{ order: { pickupCode: string | null } }>('order', openid, { action: 'get', orderId })
  if (!got.ok || !got.data.order.pickupCode) throw new Error(`no pickup code for ${orderId}: ${got.error?.code ?? 'none shown'}`)
  return got.data.order.pickupCode
}

export { DEMO }
