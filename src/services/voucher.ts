import type { voucherContract, VoucherOutputs } from '@/shared/contracts/voucher'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof voucherContract, VoucherOutputs>('voucher')

/** 服务券 (#25): services sold as vouchers for appointment slots. The booking itself is groupBuyService.join with a slotId. */
export const voucherService = {
  services: (pickupPointId: string) => call('services', { pickupPointId }),
  slots: (groupBuyId: string) => call('slots', { groupBuyId }),
  redeem: (code: string) => call('redeem', { code }),
  cancel: (orderId: string) => call('cancel', { orderId }),
  reschedule: (orderId: string, slotId: string) => call('reschedule', { orderId, slotId }),
  today: () => call('today', {}),
}
