import type { orderContract, OrderOutputs } from '@/shared/contracts/order'
import type { PaymentParams } from '@/shared/contracts/group-buy'
import Taro from '@tarojs/taro'
import { simulatePayment, NETWORK_ERROR, type ClientResult } from './cloud'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof orderContract, OrderOutputs>('order')

/**
 * weapp: WeChat Pay's sheet. H5: the local payment simulator. Either way the order's truth comes from a refresh
 * afterwards (the payment callback is what marks it PAID), so this only reports whether the user completed the sheet.
 */
async function pay(orderId: string, payment: PaymentParams | null): Promise<ClientResult<null>> {
  if (process.env.TARO_ENV === 'weapp') {
    if (!payment) return { ok: false, error: { code: 'PAYMENT.FAILED', message: 'no payment params' } }
    try {
      await Taro.requestPayment({ ...payment, signType: payment.signType as 'MD5' | 'HMAC-SHA256' | 'RSA' })
      return { ok: true, data: null }
    } catch (e) {
      return { ok: false, error: { code: 'PAYMENT.FAILED', message: e instanceof Error ? e.message : 'cancelled' } }
    }
  }
  const res = await simulatePayment(orderId)
  if (!res.ok) return res.error.code === NETWORK_ERROR ? res : { ok: false, error: res.error }
  return { ok: true, data: null }
}

export const orderService = {
  listMine: (cursor?: string) => call('listMine', cursor ? { cursor } : {}),
  get: (orderId: string) => call('get', { orderId }),
  cancel: (orderId: string) => call('cancel', { orderId }),
  pay,
}
