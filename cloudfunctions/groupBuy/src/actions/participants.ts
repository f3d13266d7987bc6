import { groupBuyContract } from '@shared/contracts/group-buy'
import { maskName } from '@shared/domain/group-buy'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { afterPosition, decodeCursor, encodeCursor } from '@server/cursor'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { servedQuantityOf, type OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { contactsFor } from '@server/privacy/contact'
import { leadsGroupBuy } from '@server/group-buys/access'
import { JOIN_ORDER, seqOf } from '@server/group-buys/join-order'
import { docsOf } from '@server/paging'

const PAGE = 50

/**
 * The leader's 接龙 list: orders in join order, each with its own 跟团号 (given when its payment was counted:
 * group-buys/join-order.ts; none while unpaid), names masked; the 收货人 (称呼, phone tail, note) only for the leader
 * and clerks of its pickup point (server/privacy/contact.ts).
 */
export const participants = action({
  access: ['leader', 'merchant', 'admin'],
  input: groupBuyContract.participants,
  async run({ caller, db }, { groupBuyId, cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const gb = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
    if (!gb) return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no such group buy')
    const user = await caller.user()
    if (!leadsGroupBuy(user, gb)) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'not your group buy')
    const _ = db.command
    // Position = (createdAt, _id). A cursor from before carried "<seq>:<orderId>": its id is the part after the colon.
    const lastId = pos ? (pos.id.split(':').pop() ?? '') : ''
    const where = afterPosition(_, { groupBuyId }, JOIN_ORDER, pos && { v: pos.v, id: lastId })
    const res = await docsOf<OrderDoc>(db.collection('orders').where(where as never).orderBy('createdAt', 'asc').orderBy('_id', 'asc').limit(PAGE + 1))
    const docs = res.slice(0, PAGE)
    const contacts = await contactsFor(db, user, gb.pickupPointId, docs.map((o) => o.openid))
    const items = docs.map((o) => ({
      seq: seqOf(o), maskedName: maskName(o.nickname), quantity: o.quantity, servedQuantity: servedQuantityOf(o), status: o.status, createdAt: o.createdAt,
      fromPoster: !!o.referrerLeader && o.referrerLeader === gb.creatorOpenid, contact: contacts.get(o.openid) ?? null,
    }))
    const last = docs[docs.length - 1]
    const nextCursor = res.length > PAGE && last ? encodeCursor({ v: last.createdAt, id: last._id }) : null
    return ok({ items, nextCursor })
  },
})
