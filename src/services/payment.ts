import type { PaymentParams } from '@/shared/contracts/group-buy'
import Taro from '@tarojs/taro'
import { NETWORK_ERROR, type ClientResult } from '@/shared/client-result'
import { simulatePayment } from './cloud'

/**
 * Pay one WeChat Pay trade (an order, or a bought coupon: its out_trade_no is the order/coupon id).
 * weapp: WeChat Pay's sheet. H5: the local payment simulator. Either way the truth comes from a refresh
 * afterwards (the payment callback is what marks it paid), so this only reports whether the user completed the sheet.
 */
export async function requestPayment(tradeNo: string, payment: PaymentParams | null): Promise<ClientResult<null>> {
  if (process.env.TARO_ENV === 'weapp') {
    if (!payment) return { ok: false, error: { code: 'PAYMENT.FAILED', message: 'no payment params' } }
    try {
      await Taro.requestPayment({ ...payment, signType: payment.signType as 'MD5' | 'HMAC-SHA256' | 'RSA' })
      return { ok: true, data: null }
    } catch (e) {
      return { ok: false, error: { code: 'PAYMENT.FAILED', message: e instanceof Error ? e.message : 'cancelled' } }
    }
  }
  const res = await simulatePayment(tradeNo)
  if (!res.ok) return res.error.code === NETWORK_ERROR ? res : { ok: false, error: res.error }
  return { ok: true, data: null }
}
