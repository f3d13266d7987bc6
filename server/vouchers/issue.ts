import { isVoucherCodeFormat, VOUCHER_CODE_LENGTH, voucherExpiresAtFor } from '@shared/domain/voucher'
import { allocateCode, drawDigits, reserveKeyed } from '@server/codes'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { updatedCount } from '@server/fetch'
import { addNotice } from '@server/messages/notices'
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
  const code = await allocateCode(
    () => drawDigits(VOUCHER_CODE_LENGTH),
    reserveKeyed(db, VOUCHERS, { orderId: order._id, groupBuyId: order.groupBuyId, providerId: gb.providerId ?? '', servingPointIds: gb.servingPointIds ?? [], createdAt: now }),
  )
  const expiresAt = voucherExpiresAtFor(order.slotEndAt ?? now, voucherGraceMs())
  const res = await db.collection('orders').where({ _id: order._id, status: 'PAID', voucherCode: null }).update({ data: { voucherCode: code, voucherExpiresAt: expiresAt, readyAt: now } })
  if (updatedCount(res) !== 1) {
    await db.collection(VOUCHERS).where({ _id: code, orderId: order._id }).remove()
    return null
  }
  // An in-app notice (no subscribe template fits a voucher; GOODS_ARRIVED would say 到货 and 提货码).
  await addNotice(db, `voucher_${order._id}`, {
    openid: order.openid, kind: 'VOUCHER_ISSUED', title: '预约成功，服务券已生成',
    body: `「${order.title}」券码 ${code}，请在预约时段出示给服务方核销`, page: `pages/resident/order/index?orderId=${order._id}`,
  }, now)
  return code
}
