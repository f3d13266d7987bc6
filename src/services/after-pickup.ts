import type { afterSalesContract, AfterSalesOutputs } from '@/shared/contracts/after-sales'
import type { feedbackContract, FeedbackOutputs } from '@/shared/contracts/feedback'
import type { memberContract, MemberOutputs } from '@/shared/contracts/member'
import type { pickupContract, PickupOutputs } from '@/shared/contracts/pickup'
import { contractCaller } from './contract-caller'

const feedback = contractCaller<typeof feedbackContract, FeedbackOutputs>('feedback')
const afterSales = contractCaller<typeof afterSalesContract, AfterSalesOutputs>('afterSales')
const member = contractCaller<typeof memberContract, MemberOutputs>('member')
const pickup = contractCaller<typeof pickupContract, PickupOutputs>('pickup')

export const feedbackService = {
  rate: (input: Parameters<typeof feedback<'rate'>>[1]) => feedback('rate', input),
  edit: (input: Parameters<typeof feedback<'edit'>>[1]) => feedback('edit', input),
  mine: (orderId: string) => feedback('mine', { orderId }),
  listForGroupBuy: (groupBuyId: string, cursor?: string) => feedback('listForGroupBuy', cursor ? { groupBuyId, cursor } : { groupBuyId }),
  myProducts: (cursor?: string) => feedback('myProducts', cursor ? { cursor } : {}),
  forProduct: (productId: string, cursor?: string) => feedback('forProduct', cursor ? { productId, cursor } : { productId }),
  lastRound: (productId: string) => feedback('lastRound', { productId }),
}

export const afterSalesService = {
  request: (input: Parameters<typeof afterSales<'request'>>[1]) => afterSales('request', input),
  decide: (caseId: string, approve: boolean, note?: string) => afterSales('decide', note ? { caseId, approve, note } : { caseId, approve }),
  listMine: (orderId?: string) => afterSales('listMine', orderId ? { orderId } : {}),
  listForMe: (status?: 'PENDING' | 'APPROVED' | 'REJECTED', cursor?: string) => afterSales('listForMe', { ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) }),
}

export const memberService = {
  me: () => member('me', {}),
  history: (cursor?: string) => member('history', cursor ? { cursor } : {}),
}

export const remindService = {
  remind: (groupBuyId: string) => pickup('remind', { groupBuyId }),
}

