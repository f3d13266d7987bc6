import type { orderContract, OrderOutputs } from '@/shared/contracts/order'
import { contractCaller } from './contract-caller'
import { requestPayment } from './payment'

const call = contractCaller<typeof orderContract, OrderOutputs>('order')

export const orderService = {
  listMine: (cursor?: string) => call('listMine', cursor ? { cursor } : {}),
  get: (orderId: string) => call('get', { orderId }),
  cancel: (orderId: string) => call('cancel', { orderId }),
  /** Open the pay sheet for an unpaid order (see requestPayment). */
  pay: requestPayment,
}
