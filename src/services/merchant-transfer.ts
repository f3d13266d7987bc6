import Taro from '@tarojs/taro'
import type { PayoutView } from '@/shared/contracts/ledger'
import { NETWORK_ERROR, simulateTransferConfirm, type ClientResult } from './cloud'

type ConfirmArgs = NonNullable<PayoutView['confirm']>
type RequestMerchantTransfer = (o: ConfirmArgs & { success?: () => void; fail?: (e: { errMsg?: string }) => void }) => void

/**
 * Taro 4.2 has no requestMerchantTransfer (WeChat added it in base library 3.3.0), so the weapp build calls wx's
 * own, when the phone's WeChat has it.
 */
function wxRequestMerchantTransfer(): RequestMerchantTransfer | null {
  const fromTaro = (Taro as unknown as { requestMerchantTransfer?: RequestMerchantTransfer }).requestMerchantTransfer
  if (fromTaro) return fromTaro
  const wxApi = (globalThis as unknown as { wx?: { requestMerchantTransfer?: RequestMerchantTransfer } }).wx
  return wxApi?.requestMerchantTransfer ?? null
}

/**
 * The payee's 确认收款 for a payout's 商家转账 bill. weapp: WeChat's own confirmation page
 * (wx.requestMerchantTransfer with the bill's package). H5: the local transfer simulator. Either way the truth comes
 * from the ledger afterwards (WeChat Pay's notification, or refreshPayout); this reports whether the payee went
 * through with it.
 */
export async function confirmMerchantTransfer(payoutId: string, args: ConfirmArgs): Promise<ClientResult<null>> {
  if (process.env.TARO_ENV === 'weapp') {
    const request = wxRequestMerchantTransfer()
    if (!request) return { ok: false, error: { code: 'PAYMENT.FAILED', message: 'WeChat too old for requestMerchantTransfer (needs base library 3.3.0)' } }
    return new Promise((resolve) => {
      request({
        ...args,
        success: () => resolve({ ok: true, data: null }),
        fail: (e) => resolve({ ok: false, error: { code: 'PAYMENT.FAILED', message: e?.errMsg ?? 'cancelled' } }),
      })
    })
  }
  const res = await simulateTransferConfirm(payoutId)
  if (!res.ok) return res.error.code === NETWORK_ERROR ? res : { ok: false, error: { code: 'PAYMENT.FAILED', message: res.error.message } }
  return { ok: true, data: null }
}
