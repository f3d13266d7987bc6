import type { pickupContract, PickupOutputs } from '@/shared/contracts/pickup'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof pickupContract, PickupOutputs>('pickup')

export const pickupService = {
  /** `quantity`: 部分提货 (absent = all that is left). */
  verify: (code: string, quantity?: number) => call('verify', quantity ? { code, quantity } : { code }),
  /** `phoneTail`: only the residents whose 收货人 phone ends in these 4 digits. */
  today: (cursor?: string, phoneTail?: string) => call('today', { ...(cursor ? { cursor } : {}), ...(phoneTail ? { phoneTail } : {}) }),
  handOver: (orderId: string, quantity?: number) => call('handOver', quantity ? { orderId, quantity } : { orderId }),
  delegate: (orderId: string) => call('delegate', { orderId }),
  revokeDelegate: (orderId: string) => call('revokeDelegate', { orderId }),
  myCode: (pickupPointId: string) => call('myCode', { pickupPointId }),
  /** 配送单 (#25): the point's deliveries by building and room; 'csv' also returns a file's temp URL. */
  deliveryList: (pickupPointId: string, format?: 'json' | 'csv') => call('deliveryList', format ? { pickupPointId, format } : { pickupPointId }),
}
