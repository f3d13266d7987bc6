import { ENTRY_KINDS, type EntryKind, type MoneyLine } from '@shared/contracts/ledger'
import type { Page } from '@shared/contracts/common'
import { ENTRY_STATES, type EntryState } from '@shared/domain/ledger'
import { debtRepayLine, orderLine, payoutLine, withdrawalBudget, type LineOrder, type WithdrawalBudget } from '@shared/domain/money-lines'
import { afterPosition, type CursorPosition } from '@server/cursor'
import { afterSalesWindowMs } from '@server/after-sales/window'
import { ledgerOf, type LedgerEntryDoc, type LedgerOrderDoc, type PayoutDoc } from '@server/ledger/model'
import type { OrderDoc } from '@server/orders/model'
import { byIds, entryViews, payoutView, type Account } from '@server/ledger/views'
import { docsOf } from '@server/paging'

/**
 * ledger.lines: a payee's 收益 / 结算 as lines — one per order (the account's share of it and where it stands), one
 * per payout, one per debt repayment — newest first, paged by a keyset over the three lists merged. The lines
 * themselves come from src/shared/domain/money-lines.ts; this file only loads what they are made of.
 *
 * Which orders' released money was withdrawn is not recorded per order (a payout takes a sum): the newest orders'
 * money is counted as still available, older as withdrawn (money-lines.ts, WithdrawalBudget). The budget left after
 * a page travels in its cursor, so every page continues where the last one stopped.
 */

export interface LinesCursor extends CursorPosition {
  b: WithdrawalBudget
}

export function encodeLinesCursor(c: LinesCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}

export function decodeLinesCursor(cursor: string | undefined): LinesCursor | null | 'invalid' {
  if (cursor === undefined) return null
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as LinesCursor
    const fen = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0
    if (c && typeof c.v === 'number' && typeof c.id === 'string' && c.b && fen(c.b.availableFen) && fen(c.b.pendingFen) && fen(c.b.repaidFen)) {
      return { v: c.v, id: c.id, b: { availableFen: c.b.availableFen, pendingFen: c.b.pendingFen, repaidFen: c.b.repaidFen } }
    }
  } catch {
    // fall through
  }
  return 'invalid'
}

type Source = { at: number; id: string } & ({ src: 'order'; doc: LedgerOrderDoc } | { src: 'payout'; doc: PayoutDoc } | { src: 'repay'; doc: LedgerEntryDoc })

export async function moneyLines(db: DB.Database, a: Account, cursor: LinesCursor | null, limit = 20): Promise<Page<MoneyLine>> {
  const _ = db.command
  const pos = cursor ? { v: cursor.v, id: cursor.id } : null
  const page = <T>(collection: string, base: Record<string, unknown>): Promise<T[]> =>
    docsOf<T>(
      db
        .collection(collection)
        .where(afterPosition(_, base, { field: 'createdAt', dir: 'desc' }, pos) as never)
        .orderBy('createdAt', 'desc')
        .orderBy('_id', 'desc')
        .limit(limit + 1),
    )
  const [budget, orders, payouts, repays] = await Promise.all([
    cursor ? Promise.resolve(cursor.b) : accountSums(db, a.account).then(withdrawalBudget),
    // The account's orders in the order their sales were booked: its SALE entries (one per order, written with the
    // order's ledger position and at its time), then those positions, on their orders (#23), in one read. Paging the
    // orders themselves would need an index per party on every order insert.
    page<LedgerEntryDoc>('ledgerEntries', { account: a.account, kind: 'SALE' }).then((sales) => salesWithPositions(db, sales)),
    a.party === 'leader' || a.party === 'merchant' ? page<PayoutDoc>('payouts', { account: a.account }) : Promise.resolve([]),
    page<LedgerEntryDoc>('ledgerEntries', { account: a.account, kind: 'DEBT_REPAY', state: 'DEBT' }),
  ])
  const merged: Source[] = [
    ...orders.map(({ sale, doc }) => ({ src: 'order' as const, at: sale.createdAt, id: sale._id, doc })),
    ...payouts.map((doc) => ({ src: 'payout' as const, at: doc.createdAt, id: doc._id, doc })),
    ...repays.map((doc) => ({ src: 'repay' as const, at: doc.createdAt, id: doc._id, doc })),
  ].sort((x, y) => y.at - x.at || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0))
  const taken = merged.slice(0, limit)
  const orderIds = taken.flatMap((s) => (s.src === 'order' ? [s.doc._id] : []))
  const payoutIds = taken.flatMap((s) => (s.src === 'payout' ? [s.id] : []))
  const [orderEntries, payoutEntries, repayViews] = await Promise.all([
    orderIds.length ? accountEntries(db, { account: a.account, orderId: _.in(orderIds) }).then((d) => entryViews(db, d)) : [],
    payoutIds.length ? accountEntries(db, { account: a.account, kind: 'PAYOUT', refId: _.in(payoutIds) }).then((d) => entryViews(db, d)) : [],
    entryViews(db, taken.flatMap((s) => (s.src === 'repay' ? [s.doc] : []))),
  ])
  const windowMs = afterSalesWindowMs()
  let left = budget
  const items: MoneyLine[] = []
  for (const s of taken) {
    if (s.src === 'order') {
      const built = orderLine(lineOrder(s.doc), orderEntries.filter((e) => e.orderId === s.doc._id), left, windowMs)
      left = built.budget
      if (built.line) items.push(built.line)
    } else if (s.src === 'payout') {
      items.push(payoutLine(payoutView(s.doc), payoutEntries.filter((e) => e.refId === s.id)))
    } else {
      const view = repayViews.find((e) => e.entryId === s.id)
      if (view) items.push(debtRepayLine(view))
    }
  }
  const last = taken[taken.length - 1]
  const nextCursor = merged.length > limit && last ? encodeLinesCursor({ v: last.at, id: last.id, b: left }) : null
  return { items, nextCursor }
}

/** Each SALE entry with its order's ledger position (one read for the page). */
async function salesWithPositions(db: DB.Database, sales: readonly LedgerEntryDoc[]): Promise<Array<{ sale: LedgerEntryDoc; doc: LedgerOrderDoc }>> {
  const ids = [...new Set(sales.flatMap((e) => (e.orderId ? [e.orderId] : [])))]
  if (ids.length === 0) return []
  const orders = new Map((await byIds<OrderDoc>(db, 'orders', ids)).map((o) => [o._id, ledgerOf(o)]))
  return sales.flatMap((sale) => {
    const doc = sale.orderId ? orders.get(sale.orderId) : null
    return doc ? [{ sale, doc }] : []
  })
}

function lineOrder(o: LedgerOrderDoc): LineOrder {
  return {
    orderId: o._id, title: o.title, seq: o.seq ?? null, quantity: o.quantity, keptQuantity: o.keptQuantity ?? o.quantity,
    pickedUpAt: o.pickedUpAt ?? null, released: o.released, at: o.createdAt,
  }
}

/** An account's entries summed by kind and state (one grouped aggregate). */
async function accountSums(db: DB.Database, account: string): Promise<{ kind: EntryKind; state: EntryState; amountFen: number }[]> {
  const $ = db.command.aggregate
  // One row per kind and state: 11 pairs are written today, their types allow 25, beyond the 20 rows CloudBase
  // answers without a limit.
  const res = (await db
    .collection('ledgerEntries')
    .aggregate()
    .match({ account })
    .group({ _id: { kind: '$kind', state: '$state' }, total: $.sum('$amountFen') })
    .limit(ENTRY_KINDS.length * ENTRY_STATES.length)
    .end()) as unknown as {
    list: { _id: { kind: EntryKind; state: EntryState }; total: number }[]
  }
  return res.list.map((r) => ({ kind: r._id.kind, state: r._id.state, amountFen: r.total }))
}

async function accountEntries(db: DB.Database, where: Record<string, unknown>): Promise<LedgerEntryDoc[]> {
  const out: LedgerEntryDoc[] = []
  for (let skip = 0; ; skip += 1000) {
    const docs = await docsOf<LedgerEntryDoc>(db.collection('ledgerEntries').where(where).orderBy('createdAt', 'asc').orderBy('_id', 'asc').skip(skip).limit(1000))
    out.push(...docs)
    if (docs.length < 1000) return out
  }
}
