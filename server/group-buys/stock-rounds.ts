import { decideStock, joinableConditions, stockConditions } from '@shared/domain/group-buy'
import { ERROR_CODES } from '@shared/errors'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { findById, updatedCount } from '@server/fetch'
import { WarmCache } from '@server/warm-cache'
import { whereConditions } from './conditions'

export type StockAnswer = 'RESERVED' | typeof ERROR_CODES.GROUP_BUY_SOLD_OUT | typeof ERROR_CODES.GROUP_BUY_NOT_OPEN | typeof ERROR_CODES.GROUP_BUY_NOT_FOUND

interface Ask {
  quantity: number
  now: number
  resolve(answer: StockAnswer): void
  reject(err: unknown): void
}

interface Desk {
  queue: Ask[]
  running: boolean
  /** A hint, never a decision: the last round saw the stock run out, so the next one reads before it writes. */
  readFirst: boolean
}

/**
 * Stock reservations of one group buy, in rounds. A CloudBase functions V2 instance serves many requests at
 * once; the joins of one group buy that arrive while a round is in flight wait for the next round, and a round
 * is one conditional write for all of them (`stockLeft >= their total`, inside the join rule's window) — one
 * database operation however many are waiting. A lone join is a round of one: the same single write as before.
 *
 * Exactly correct, because every answer is backed by one database operation that happened while the asker
 * was waiting (its linearization point), and stock only ever moves by a conditional write:
 * - RESERVED: a conditional write that took this ask's quantity (with the others of its round) succeeded. The
 *   database refuses any write that would take stockLeft below zero, so the sum handed out never exceeds stock.
 * - SOLD_OUT / NOT_OPEN: a read of the group buy, made during the round, showed it could not give this ask's
 *   quantity (decideStock, the shared rule). A refused write alone decides nothing here — a round's total may
 *   not fit where each ask alone would — so a refused write is followed by that read.
 * - After the read, asks are given stock in arrival order while it lasts (one write for those); an ask that
 *   would fit on its own but not after the earlier ones is not refused on a guess: it goes to the next round,
 *   which reads again. A write refused after the read (another instance took stock meanwhile) sends its asks
 *   to the next round too.
 * No answer is ever taken from this instance's memory: `readFirst` only picks which operation comes first.
 */
const desks = new WarmCache<Desk>(5_000)

export function reserveStock(db: DB.Database, groupBuyId: string, quantity: number, now: number): Promise<StockAnswer> {
  let desk = desks.get(groupBuyId)
  if (!desk) {
    desk = { queue: [], running: false, readFirst: false }
    desks.set(groupBuyId, desk)
  }
  const d = desk
  return new Promise<StockAnswer>((resolve, reject) => {
    d.queue.push({ quantity, now, resolve, reject })
    if (!d.running) void drain(db, groupBuyId, d)
  })
}

async function drain(db: DB.Database, groupBuyId: string, desk: Desk): Promise<void> {
  desk.running = true
  try {
    while (desk.queue.length > 0) {
      const round = desk.queue.splice(0)
      try {
        await runRound(db, groupBuyId, desk, round)
      } catch (err) {
        // The write may or may not have happened (a lost reply): each ask fails as a lone join's would, and
        // settle's reconcile heals a hold no order stands for.
        desk.readFirst = true
        for (const a of round) a.reject(err)
      }
    }
  } finally {
    desk.running = false
  }
}

const total = (asks: Ask[]) => asks.reduce((n, a) => n + a.quantity, 0)

async function take(db: DB.Database, groupBuyId: string, quantity: number, now: number): Promise<boolean> {
  const _ = db.command
  const res = await db
    .collection('groupBuys')
    .where({ _id: groupBuyId, ...whereConditions(_, joinableConditions(now)), ...whereConditions(_, stockConditions(quantity)) })
    .update({ data: { stockLeft: _.inc(-quantity), reservedQuantity: _.inc(quantity) } })
  return updatedCount(res) === 1
}

async function runRound(db: DB.Database, groupBuyId: string, desk: Desk, round: Ask[]): Promise<void> {
  // Every ask of the round arrived by now, so this instant lies inside each one's wait.
  const now = Math.max(...round.map((a) => a.now))
  if (!desk.readFirst && (await take(db, groupBuyId, total(round), now))) {
    for (const a of round) a.resolve('RESERVED')
    return
  }
  const gb = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
  if (!gb) {
    for (const a of round) a.resolve(ERROR_CODES.GROUP_BUY_NOT_FOUND)
    return
  }
  let left = gb.stockLeft
  const taking: Ask[] = []
  const later: Ask[] = []
  for (const a of round) {
    const refusal = decideStock(gb, a.quantity, now)
    if (refusal) a.resolve(refusal as StockAnswer)
    else if (a.quantity <= left) {
      taking.push(a)
      left -= a.quantity
    } else later.push(a)
  }
  if (taking.length > 0 && (await take(db, groupBuyId, total(taking), now))) {
    for (const a of taking) a.resolve('RESERVED')
  } else later.unshift(...taking)
  // What this round saw decides only which operation the next one starts with.
  desk.readFirst = left === 0 || later.length > 0 || taking.length < round.length
  desk.queue.unshift(...later) // ahead of later arrivals: they were here first
}
