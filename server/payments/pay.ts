import type { PaymentParams } from '@shared/contracts/group-buy'
import { DEFAULT_PAYMENT_WINDOW_MS } from '@shared/domain/order'
import { formatChina } from '@shared/domain/calendar'
import { getCloud } from '@server/cloud'
import { msSetting } from '@server/settings'

/**
 * cloud.cloudPay as WeChat documents it (snake_case requests, camelCase replies). On CloudBase this is the real
 * WeChat Pay; under local-cloud the host puts the payment simulator behind the same object.
 */
export interface CloudPayApi {
  unifiedOrder(req: Record<string, unknown>): Promise<{ returnCode: string; resultCode?: string; returnMsg?: string; payment?: PaymentParams }>
  queryOrder(req: Record<string, unknown>): Promise<{ returnCode: string; resultCode?: string; tradeState?: string; totalFee?: number; transactionId?: string }>
  refund(req: Record<string, unknown>): Promise<{ returnCode: string; resultCode?: string; errCodeDes?: string; returnMsg?: string }>
  queryRefund(req: Record<string, unknown>): Promise<{ returnCode: string; resultCode?: string; refundCount?: number; refundStatusList?: string[] }>
  /** Close an unpaid trade so it can no longer be paid; errCode ORDERPAID when it was paid, ORDERCLOSED when closed already. */
  closeOrder(req: Record<string, unknown>): Promise<{ returnCode: string; resultCode?: string; errCode?: string; errCodeDes?: string; returnMsg?: string }>
}

function cloudPay(): CloudPayApi {
  return (getCloud() as unknown as { cloudPay: CloudPayApi }).cloudPay
}

/** Merchant settings come from the function's environment variables on CloudBase. */
function merchant() {
  return {
    subMchId: process.env.WXPAY_SUB_MCH_ID ?? '1900000109',
    envId: process.env.TCB_ENV ?? process.env.SCF_NAMESPACE ?? 'local',
  }
}

export const PAYMENT_CALLBACK_FUNCTION = 'payCallback'

/** How long an unpaid hold (an order, a bought coupon) is kept; PAYMENT_WINDOW_MS overrides it (tests, ops). */
export function paymentWindowMs(): number {
  return msSetting(process.env.PAYMENT_WINDOW_MS, DEFAULT_PAYMENT_WINDOW_MS, { positive: true })
}

function nonce(): string {
  return Math.random().toString(36).slice(2, 14) + Date.now().toString(36)
}

function formatTimeExpire(ms: number): string {
  // yyyyMMddHHmmss in China time, as WeChat Pay expects.
  return formatChina(ms, 'YYYYMMDDHHmmss')
}

export async function createPayment(order: { orderId: string; title: string; amountFen: number; expiresAt: number }): Promise<PaymentParams> {
  const { subMchId, envId } = merchant()
  const res = await cloudPay().unifiedOrder({
    body: order.title.slice(0, 40),
    out_trade_no: order.orderId,
    spbill_create_ip: '127.0.0.1',
    sub_mch_id: subMchId,
    total_fee: order.amountFen,
    env_id: envId,
    function_name: PAYMENT_CALLBACK_FUNCTION,
    nonce_str: nonce(),
    trade_type: 'JSAPI',
    time_expire: formatTimeExpire(order.expiresAt),
  })
  if (res.returnCode !== 'SUCCESS' || res.resultCode !== 'SUCCESS' || !res.payment) {
    throw new Error(`unifiedOrder failed: ${res.returnMsg ?? res.resultCode ?? res.returnCode}`)
  }
  return res.payment
}

/** Ask WeChat Pay itself whether an order was paid, and how much — never trust a callback's own claims. */
export async function queryPaid(orderId: string): Promise<{ paid: boolean; totalFee: number; transactionId: string }> {
  const res = await cloudPay().queryOrder({ sub_mch_id: merchant().subMchId, out_trade_no: orderId, nonce_str: nonce() })
  const paid = res.returnCode === 'SUCCESS' && res.resultCode === 'SUCCESS' && res.tradeState === 'SUCCESS'
  return { paid, totalFee: Number(res.totalFee ?? 0), transactionId: String(res.transactionId ?? '') }
}

/**
 * Submit (or re-submit: same out_refund_no, so WeChat Pay refunds once) a refund of `amountFen` (or `refundFen`, the
 * same, when given) of a trade whose total was `totalFen` (absent = a full refund). Each partial refund of one trade
 * needs its own refundNo, and together they may not exceed the total.
 */
export async function submitRefund(r: { orderId: string; refundNo: string; amountFen: number; totalFen?: number }): Promise<{ accepted: boolean; reason: string }> {
  const res = await cloudPay().refund({
    sub_mch_id: merchant().subMchId,
    nonce_str: nonce(),
    out_trade_no: r.orderId,
    out_refund_no: r.refundNo,
    total_fee: r.totalFen ?? r.amountFen,
    refund_fee: r.amountFen,
  })
  const accepted = res.returnCode === 'SUCCESS' && res.resultCode === 'SUCCESS'
  return { accepted, reason: accepted ? '' : String(res.errCodeDes ?? res.returnMsg ?? res.resultCode ?? 'refund refused') }
}

/** Confirmed only when WeChat Pay reports the refund itself as SUCCESS. */
export async function queryRefunded(refundNo: string): Promise<boolean> {
  const res = await cloudPay().queryRefund({ sub_mch_id: merchant().subMchId, nonce_str: nonce(), out_refund_no: refundNo })
  return res.returnCode === 'SUCCESS' && res.resultCode === 'SUCCESS' && (res.refundStatusList ?? [])[0] === 'SUCCESS'
}

export type CloseOutcome = 'CLOSED' | 'PAID' | 'FAILED'

/**
 * Close the trade of a hold we stop waiting for, so its pay sheet can no longer be completed. CLOSED also when it
 * was closed already or never opened (ORDERCLOSED / ORDERNOTEXIST); PAID when WeChat Pay answers ORDERPAID (the
 * payment raced the expiry: apply it); FAILED when WeChat Pay could not be asked (SYSTEMERROR, a thrown call).
 */
export async function closeTrade(orderId: string): Promise<{ outcome: CloseOutcome; reason: string }> {
  try {
    const res = await cloudPay().closeOrder({ sub_mch_id: merchant().subMchId, out_trade_no: orderId, nonce_str: nonce() })
    if (res.returnCode === 'SUCCESS' && res.resultCode === 'SUCCESS') return { outcome: 'CLOSED', reason: '' }
    if (res.errCode === 'ORDERPAID') return { outcome: 'PAID', reason: 'ORDERPAID' }
    if (res.errCode === 'ORDERCLOSED' || res.errCode === 'ORDERNOTEXIST') return { outcome: 'CLOSED', reason: res.errCode }
    return { outcome: 'FAILED', reason: String(res.errCodeDes ?? res.errCode ?? res.returnMsg ?? res.resultCode ?? 'closeOrder refused') }
  } catch (err) {
    return { outcome: 'FAILED', reason: err instanceof Error ? err.message : String(err) }
  }
}
