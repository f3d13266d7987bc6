import type { PickupOutputs, PickupTodayItem, VerificationView } from '@shared/contracts/pickup'
import { pickupContract } from '@shared/contracts/pickup'
import { maskName } from '@shared/domain/group-buy'
import { chinaMidnight } from '@shared/domain/calendar'
import { quantityLeftToHandOver } from '@shared/domain/pickup'
import { ERROR_CODES, fail, ok, type Result } from '@shared/errors'
import { counterPointOf } from '@server/pickup/clerk'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { readyCountOf } from '@server/pickup/ready-count'
import type { OrderDoc } from '@server/orders/model'
import { seqOf } from '@server/group-buys/join-order'
import type { VerificationDoc } from '@server/pickup/model'
import { staffContactsOf } from '@server/privacy/contact'
import { docsOf } from '@server/paging'
import { readAllWhere } from '@server/insight/query'
import { pendingVerificationsAt } from '@server/pickup/handover-records'
import { withRiding } from '@server/batch-insert'

const PAGE = 20
const RECENT = 10
/** A 尾号 search's residents are matched against this point's ready orders this many at a time (`in` lists). */
const TAIL_CHUNK = 200
/** The most orders a 尾号 search answers (one resident's, or a few: the clerk picks the person in front of them). */
const TAIL_ORDERS = 50

/**
 * The counter's screen: orders ready at my pickup point (newest first, keyset pages on index pickup_ready),
 * and on the first page the last few attempts and two counts. Indexed reads and counts, whatever the volume.
 */
export const today = action({
  access: ['clerk'],
  input: pickupContract.today,
  async run({ caller, db, now }, { cursor, phoneTail }): Promise<Result<PickupOutputs['today']>> {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const pointId = counterPointOf(await caller.user())
    if (!pointId) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'not bound to a pickup point')

    const _ = db.command
    const ready: Record<string, unknown> = { pickupPointId: pointId, status: 'READY_FOR_PICKUP' }
    let page: { docs: OrderDoc[]; nextCursor: string | null }
    if (phoneTail) {
      // 尾号: every resident whose 收货人 phone ends so (users.phone_tail; about 1 in 10,000 share a tail), then their
      // ready orders here, a chunk of them at a time. Before (an audit: test/node/attacks-pickup.test.ts), only the
      // first 200 such residents on the whole platform were looked at, so past a couple of million users a resident
      // waiting here could be missed.
      const people = await readAllWhere<{ _id: string }>(db, 'users', { phoneTail }, { _id: true })
      const found: OrderDoc[] = []
      for (let i = 0; i < people.length && found.length < TAIL_ORDERS; i += TAIL_CHUNK) {
        const chunk = people.slice(i, i + TAIL_CHUNK).map((p) => p._id)
        found.push(...(await docsOf<OrderDoc>(db.collection('orders').where({ ...ready, openid: _.in(chunk) }).limit(TAIL_ORDERS))))
      }
      found.sort((x, y) => (y.readyAt ?? 0) - (x.readyAt ?? 0) || (x._id < y._id ? -1 : 1))
      page = { docs: found.slice(0, TAIL_ORDERS), nextCursor: null }
    } else {
      page = await keysetPage<OrderDoc>(db, 'orders', ready, { field: 'readyAt', dir: 'desc' }, pos, PAGE)
    }
    // The clerk works at this point: the 收货人 beside each 跟团号 is theirs to see (server/privacy/contact.ts).
    const contacts = await staffContactsOf(db, page.docs.map((o) => o.openid))
    const items: PickupTodayItem[] = page.docs.map((o) => ({
      orderId: o._id,
      groupBuyId: o.groupBuyId,
      title: o.title,
      quantity: o.quantity,
      servedQuantity: o.servedQuantity ?? o.quantity,
      leftQuantity: quantityLeftToHandOver(o),
      seq: seqOf(o),
      maskedName: maskName(o.nickname),
      contact: contacts.get(o.openid) ?? null,
      readyAt: o.readyAt ?? 0,
      pickupExpiresAt: o.pickupExpiresAt,
    }))
    const out: PickupOutputs['today'] = { items, nextCursor: page.nextCursor }
    if (pos || phoneTail) return ok(out)

    const [recentRes, riding, readyCount, pickedUpToday] = await Promise.all([
      db.collection('verifications').where({ pickupPointId: pointId }).orderBy('at', 'desc').limit(RECENT).get() as unknown as Promise<{ data: VerificationDoc[] }>,
      // A completing hand-over's line rides on its order until settle copies it (server/pickup/handover-records.ts).
      pendingVerificationsAt(db, pointId, RECENT),
      // A count of the READY orders on the index the list pages on (server/pickup/ready-count.ts).
      readyCountOf(db, pointId),
      // Orders handed over here today, whole (orders.point_picked): exact at once, wherever their audit line is.
      db.collection('orders').where({ pickupPointId: pointId, pickedUpAt: _.gte(chinaMidnight(now)) }).count() as unknown as Promise<{ total: number }>,
    ])
    const recent = withRiding(recentRes.data, riding).sort((a, b) => b.at - a.at).slice(0, RECENT)
    out.recent = recent.map(
      (v): VerificationView => ({ kind: v.kind, outcome: v.outcome, orderId: v.orderId ?? null, couponId: v.couponId ?? null, at: v.at }),
    )
    out.counts = { readyCount, pickedUpToday: pickedUpToday.total }
    return ok(out)
  },
})
