import { groupBuyContract } from '@shared/contracts/group-buy'
import { canMarkArrived } from '@shared/domain/pickup'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import type { GroupBuyDoc, OrderDoc } from '@server/docs'
import { findById } from '@server/fetch'
import { pickupCodeTtlMs, readyForPickup } from '@server/pickup/pickup-flow'

const BATCH = 100

/**
 * 到货: the leader (or a clerk of the store) signs off that the goods are at the pickup point. arrivedAt is set
 * once; every PAID order becomes READY_FOR_PICKUP with its own pickup code, one conditional write per order.
 *
 * `readyOrders` counts the orders readied by *this* call. A second call readies nothing already ready (so it
 * returns 0), but does ready orders paid since the first call: calling again is how late payers get codes.
 */
export const markArrived = action({
  access: ['leader', 'clerk', 'merchant', 'admin'],
  input: groupBuyContract.markArrived,
  async run({ caller, db, now }, { groupBuyId }) {
    const _ = db.command
    const gb = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
    if (!gb) return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no such group buy')
    const user = await caller.user()
    const atOwnStore = (user.roles.includes('leader') || user.roles.includes('clerk')) && user.boundPickupPointId === gb.pickupPointId
    if (!user.roles.includes('admin') && gb.creatorOpenid !== caller.openid && !atOwnStore) {
      return fail(ERROR_CODES.AUTH_FORBIDDEN, 'only the leader or a clerk of this pickup point can sign off arrival')
    }
    if (!canMarkArrived(gb.status)) return fail(ERROR_CODES.GROUP_BUY_NOT_SUCCEEDED, `group buy is ${gb.status}, not succeeded`)

    // arrivedAt is written once; a later call keeps the first arrival time.
    await db
      .collection('groupBuys')
      .where({ _id: groupBuyId, status: _.in(['SUCCEEDED', 'CLOSED']), arrivedAt: null })
      .update({ data: { arrivedAt: now } })

    const ttl = pickupCodeTtlMs()
    let readyOrders = 0
    let lastId = ''
    for (;;) {
      const res = (await db
        .collection('orders')
        .where({ groupBuyId, status: 'PAID', _id: _.gt(lastId) })
        .orderBy('_id', 'asc')
        .limit(BATCH)
        .get()) as unknown as { data: OrderDoc[] }
      for (const order of res.data) if (await readyForPickup(db, order, ttl, now)) readyOrders++
      if (res.data.length < BATCH) break
      lastId = res.data[res.data.length - 1]._id
    }
    return ok({ readyOrders })

  },
})
