import type { PickupOutputs, PickupTodayItem, VerificationView } from '@shared/contracts/pickup'
import { pickupContract } from '@shared/contracts/pickup'
import { maskName } from '@shared/domain/group-buy'
import { chinaMidnight } from '@shared/domain/calendar'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { counterPointOf } from '@server/pickup/clerk'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import type { OrderDoc } from '@server/docs'
import { findById } from '@server/fetch'
import type { VerificationDoc } from '@server/pickup/verifications'

const PAGE = 20
const RECENT = 10

/**
 * The counter's screen: orders ready at my pickup point (newest first, keyset pages on index pickup_ready),
 * and on the first page the last few attempts and two counts. Indexed reads and one counter, whatever the volume.
 */
export const today = action({
  access: ['clerk'],
  input: pickupContract.today,
  async run({ caller, db, now }, { cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const pointId = counterPointOf(await caller.user())
    if (!pointId) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'not bound to a pickup point')

    const ready = { pickupPointId: pointId, status: 'READY_FOR_PICKUP' }
    const page = await keysetPage<OrderDoc>(db, 'orders', ready, { field: 'readyAt', dir: 'desc' }, pos, PAGE)
    const items: PickupTodayItem[] = page.docs.map((o) => ({
      orderId: o._id,
      groupBuyId: o.groupBuyId,
      title: o.title,
      quantity: o.quantity,
      maskedName: maskName(o.nickname),
      readyAt: o.readyAt ?? 0,
      pickupExpiresAt: o.pickupExpiresAt,
    }))
    const out: PickupOutputs['today'] = { items, nextCursor: page.nextCursor }
    if (pos) return ok(out)

    const _ = db.command
    const [recentRes, readyCount, pickedUpToday] = await Promise.all([
      db.collection('verifications').where({ pickupPointId: pointId }).orderBy('at', 'desc').limit(RECENT).get() as unknown as Promise<{ data: VerificationDoc[] }>,
      // A maintained counter (server/pickup-flow.ts, verify): counting ready orders would grow with the backlog.
      findById<{ readyCount?: number }>(db, 'pickupPoints', pointId),
      db.collection('verifications').where({ pickupPointId: pointId, at: _.gte(chinaMidnight(now)), kind: 'pickup', outcome: 'PICKED_UP' }).count() as unknown as Promise<{ total: number }>,
    ])
    out.recent = recentRes.data.map(
      (v): VerificationView => ({ kind: v.kind, outcome: v.outcome, orderId: v.orderId ?? null, couponId: v.couponId ?? null, at: v.at }),
    )
    out.counts = { readyCount: Math.max(0, readyCount?.readyCount ?? 0), pickedUpToday: pickedUpToday.total }
    return ok(out)
  },
})
