import { isVoucherCodeFormat, VOUCHER_CODE_LENGTH, voucherExpiresAtFor } from '@shared/domain/voucher'
import { allocateCode, drawDigits, reserveKeyed } from '@server/codes'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { updatedCount } from '@server/fetch'
import { addNotice, noticeDoc, type NoticeInput } from '@server/messages/notices'
import type { Tx } from '@server/ledger/txn'
import { VOUCHERS, voucherGraceMs } from '@server/vouchers/model'

/**
 * The payment's hook for a service order (payment-flow finishPayment): a paid booking gets its voucher code —
 * drawn into `vouchers` (a keyed insert: no two orders share a code), then set on the order by one conditional
 * write (still PAID, no code yet), with the instant after which settle refunds it unredeemed (slot end + grace).
 * The order stays PAID (no arrival); redemption moves it to PICKED_UP. Running it again (a re-sent notice,
 * settle finishing an interrupted payment) changes nothing; a code drawn by a loser of a race is removed.
 */
export async function issueVoucher(db: DB.Database, order: OrderDoc, gb: Pick<GroupBuyDoc, 'providerId' | 'servingPointIds'>, now: number): Promise<string | null> {
  if (order.kind !== 'SERVICE' || order.status !== 'PAID' || (order.voucherCode && isVoucherCodeFormat(order.voucherCode))) return null
  const code = await allocateCode(() => drawDigits(VOUCHER_CODE_LENGTH), reserveKeyed(db, VOUCHERS, voucherDoc(order, gb, now)))
  const res = await db.collection('orders').where({ _id: order._id, status: 'PAID', voucherCode: null }).update({ data: voucherFields(order, code, now) })
  if (updatedCount(res) !== 1) {
    await db.collection(VOUCHERS).where({ _id: code, orderId: order._id }).remove()
    return null
  }
  await addNotice(db, voucherNoticeKey(order), voucherNotice(order, code), now)
  return code
}

/** An in-app notice (no subscribe template fits a voucher; GOODS_ARRIVED would say 到货 and 提货码). */
function voucherNotice(order: Pick<OrderDoc, '_id' | 'openid' | 'title'>, code: string): NoticeInput {
  return {
    openid: order.openid, kind: 'VOUCHER_ISSUED', title: '预约成功，服务券已生成',
    body: `「${order.title}」券码 ${code}，请在预约时段出示给服务方核销`, page: `pages/resident/order/index?orderId=${order._id}`,
  }
}

const voucherNoticeKey = (order: Pick<OrderDoc, '_id'>) => `voucher_${order._id}`

/** The code's document in `vouchers` (keyed by the code): whose voucher it is and who may redeem it where. */
function voucherDoc(order: Pick<OrderDoc, '_id' | 'groupBuyId'>, gb: Pick<GroupBuyDoc, 'providerId' | 'servingPointIds'>, now: number): Record<string, unknown> {
  return { orderId: order._id, groupBuyId: order.groupBuyId, providerId: gb.providerId ?? '', servingPointIds: gb.servingPointIds ?? [], createdAt: now }
}

/** The order's voucher fields: its code, the instant after which settle refunds it unredeemed (slot end + grace). */
function voucherFields(order: Pick<OrderDoc, 'slotEndAt'>, code: string, now: number): Pick<OrderDoc, 'voucherCode' | 'voucherExpiresAt' | 'readyAt'> {
  return { voucherCode: code, voucherExpiresAt: voucherExpiresAtFor(order.slotEndAt ?? now, voucherGraceMs()), readyAt: now }
}

/**
 * issueVoucher inside the payment's count transaction (#23): the code's document and the notice are inserted in `t`
 * and the order's voucher fields returned for the caller's own write of the order in `t` — no write of the order, no
 * notice, outside it. Both inserts are keyed: a code another order holds (or a notice written before) makes the whole
 * transaction a duplicate that wrote nothing, and the payment's ordinary steps issue the voucher (issueVoucher, which
 * draws again).
 */
export async function issueVoucherInTx(t: Tx, order: OrderDoc, gb: Pick<GroupBuyDoc, 'providerId' | 'servingPointIds'>, now: number): Promise<Pick<OrderDoc, 'voucherCode' | 'voucherExpiresAt' | 'readyAt'>> {
  const code = drawDigits(VOUCHER_CODE_LENGTH)
  await t.collection(VOUCHERS).add({ data: { _id: code, ...voucherDoc(order, gb, now) } })
  await t.collection('notices').add({ data: noticeDoc(voucherNoticeKey(order), voucherNotice(order, code), now) })
  return voucherFields(order, code, now)
}
