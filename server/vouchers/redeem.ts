import type { RedeemedView } from '@shared/contracts/voucher'
import { maskName } from '@shared/domain/group-buy'
import { decideRedeem } from '@shared/domain/voucher'
import { ERROR_CODES, fail, ok, type ErrorCode, type Result } from '@shared/errors'
import { isCrash } from '@server/crash-points'
import type { UserDoc } from '@server/users/model'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { inTransaction, txGet } from '@server/ledger/txn'
import { addNotice } from '@server/messages/notices'
import { moveOrderInTx } from '@server/orders/moves'
import { finishHandover, finishHandoverInTx } from '@server/pickup/pickup-flow'
import { audit } from '@server/pickup/verifications'
import { VOUCHERS, type VoucherDoc } from '@server/vouchers/model'

/** Who may redeem a voucher: the merchant providing the service, or a clerk bound to a store serving it. */
export function isProviderOf(user: UserDoc, v: Pick<VoucherDoc, 'providerId' | 'servingPointIds'>): boolean {
  if (user.roles.includes('merchant') && user._id === v.providerId) return true
  return user.roles.includes('clerk') && !!user.boundPickupPointId && v.servingPointIds.includes(user.boundPickupPointId)
}

/**
 * voucher.redeem (核销 at the appointment): the code's order moves PAID → PICKED_UP once, in one transaction on
 * the order (of any number of scans at once, one wins; the rest are told ALREADY_REDEEMED), which also takes the
 * hand-over's steps exactly as at the pickup counter (pickup-flow finishHandoverInTx: the ledger's pickup booking —
 * the after-sales window starts and settle releases the shares after it —, the points, the shipping record; an
 * order whose sale is not booked yet takes them after, by finishHandover, settle's after a crash). Every attempt, refused or not, lands in the verifications audit (kind 'voucher').
 */
export async function redeemVoucher(db: DB.Database, user: UserDoc, code: string, now: number): Promise<Result<RedeemedView>> {
  const pointId = user.boundPickupPointId ?? null
  const refuse = async (error: ErrorCode, message: string, orderId?: string) => {
    await audit(db, { kind: 'voucher', code, clerkOpenid: user._id, pickupPointId: pointId, ...(orderId ? { orderId } : {}), outcome: error, at: now })
    return fail(error, message)
  }
  if (!user.roles.includes('merchant') && !user.roles.includes('clerk')) return refuse(ERROR_CODES.AUTH_FORBIDDEN, 'only a service provider (merchant, or a clerk of a serving store) redeems vouchers')
  const voucher = await findById<VoucherDoc>(db, VOUCHERS, code)
  const order = voucher ? await findById<OrderDoc>(db, 'orders', voucher.orderId) : null
  // A code whose order carries another one was drawn by a lost race and never handed out.
  if (!voucher || !order || order.voucherCode !== code) return refuse(ERROR_CODES.VOUCHER_NOT_FOUND, 'no such voucher')
  if (!isProviderOf(user, voucher)) return refuse(ERROR_CODES.AUTH_FORBIDDEN, 'this voucher is for another provider’s service', order._id)

  const result = await inTransaction(db, async (t): Promise<{ ok: true; order: OrderDoc } | { ok: false; error: ErrorCode; order: OrderDoc }> => {
    const o = (await txGet<OrderDoc>(t, 'orders', order._id)) ?? order
    const blocked = o.voucherCode === code ? decideRedeem(o, now) : ERROR_CODES.VOUCHER_NOT_FOUND
    if (blocked) return { ok: false, error: blocked, order: o }
    const data = { pickedUpAt: now, pickedQuantity: o.quantity, redeemedBy: user._id }
    // The hand-over's steps (ledger pickup, points, shipping record) in this same commit, as at the counter.
    const after: OrderDoc = { ...o, ...data, status: 'PICKED_UP' }
    // The audit line rides on the order's write too (settle copies it: server/pickup/handover-records.ts).
    const steps = await finishHandoverInTx(t, db, after, now, { kind: 'voucher', code, clerkOpenid: user._id, pickupPointId: pointId, orderId: o._id, quantity: o.quantity, outcome: 'REDEEMED', at: now })
    const handoverFinishedAt = steps ? now : 0
    await moveOrderInTx(t, o, 'PICKED_UP', { ...data, ...steps, handoverFinishedAt })
    // (the steps' fields are dotted paths of the write — the ledger position's — not the order's own shape)
    return { ok: true, order: { ...after, handoverFinishedAt } }
  })
  if (!result.ok) {
    // A retry after a crash cut the redemption's later steps off: they are finished, and it is refused as used.
    if (result.order.status === 'PICKED_UP' && result.order.handoverFinishedAt === 0) await finishHandover(db, result.order, now)
    return refuse(result.error, messageFor(result.error), order._id)
  }
  if (result.order.handoverFinishedAt === 0) {
    try {
      await finishHandover(db, result.order, now)
    } catch (err) {
      if (isCrash(err)) throw err
      console.error('[vouchers] redemption steps failed; settle finishes them', order._id, err)
    }
  }
  if (result.order.handoverFinishedAt === 0) await audit(db, { kind: 'voucher', code, clerkOpenid: user._id, pickupPointId: pointId, orderId: order._id, quantity: order.quantity, outcome: 'REDEEMED', at: now })
  await addNotice(db, `voucher_used_${order._id}`, {
    openid: order.openid, kind: 'VOUCHER_REDEEMED', title: '服务券已核销', body: `「${order.title}」已完成核销`, page: `pages/resident/order/index?orderId=${order._id}`,
  }, now)
  const o = result.order
  return ok({ orderId: o._id, groupBuyId: o.groupBuyId, title: o.title, quantity: o.quantity, slotStartAt: o.slotStartAt ?? 0, slotEndAt: o.slotEndAt ?? 0, maskedName: maskName(o.nickname), redeemedAt: now })
}

function messageFor(code: ErrorCode): string {
  switch (code) {
    case ERROR_CODES.VOUCHER_ALREADY_REDEEMED:
      return 'this voucher was already redeemed'
    case ERROR_CODES.VOUCHER_EXPIRED:
      return 'this voucher has expired (it is refunded)'
    case ERROR_CODES.VOUCHER_NOT_VALID:
      return 'this voucher is not valid (unpaid, cancelled or refunded)'
    default:
      return 'no such voucher'
  }
}
