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

const PAGE = 20
const RECENT = 10
/** The most residents one 尾号 search considers (about 1 in 10,000 numbers share a tail). */
const TAIL_MATCHES = 200

/**
 * The counter's screen: orders ready at my pickup point (newest first, keyset pages on index pickup_ready),
 * and on the first page the last few attempts and two counts. Indexed reads and one counter, whatever the volume.
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
    if (phoneTail) {
      // 尾号: the residents whose 收货人 phone ends so (users.phone_tail), then their ready orders here.
      const people = await docsOf<{ _id: string }>(db.collection('users').where({ phoneTail }).field({ _id: true }).limit(TAIL_MATCHES))
      if (people.length === 0) return ok({ items: [], nextCursor: null })
      ready.openid = _.in(people.map((p) => p._id))
    }
    const page = await keysetPage<OrderDoc>(db, 'orders', ready, { field: 'readyAt', dir: 'desc' }, pos, PAGE)
    // The clerk works at this point: the 收货人 beside each 跟团号 is theirs to see (server/privacy/contact.ts).
    const [contacts, seqs] = await Promise.all([staffContactsOf(db, page.docs.map((o) => o.openid)), Promise.all(page.docs.map((o) => seqOf(db, o)))])
    const items: PickupTodayItem[] = page.docs.map((o, i) => ({
      orderId: o._id,
      groupBuyId: o.groupBuyId,
      title: o.title,
      quantity: o.quantity,
      servedQuantity: o.servedQuantity ?? o.quantity,
      leftQuantity: quantityLeftToHandOver(o),
      seq: seqs[i],
      maskedName: maskName(o.nickname),
      contact: contacts.get(o.openid) ?? null,
      readyAt: o.readyAt ?? 0,
      pickupExpiresAt: o.pickupExpiresAt,
    }))
    const out: PickupOutputs['today'] = { items, nextCursor: page.nextCursor }
    if (pos || phoneTail) return ok(out)

    const [recentRes, readyCount, pickedUpToday] = await Promise.all([
      db.collection('verifications').where({ pickupPointId: pointId }).orderBy('at', 'desc').limit(RECENT).get() as unknown as Promise<{ data: VerificationDoc[] }>,
      // A maintained counter (server/pickup/ready-count.ts): counting ready orders would grow with the backlog.
      readyCountOf(db, pointId),
      db.collection('verifications').where({ pickupPointId: pointId, at: _.gte(chinaMidnight(now)), kind: 'pickup', outcome: 'PICKED_UP' }).count() as unknown as Promise<{ total: number }>,
    ])
    out.recent = recentRes.data.map(
      (v): VerificationView => ({ kind: v.kind, outcome: v.outcome, orderId: v.orderId ?? null, couponId: v.couponId ?? null, at: v.at }),
    )
    out.counts = { readyCount, pickedUpToday: pickedUpToday.total }
    return ok(out)
  },
})
