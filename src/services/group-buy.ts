import type { CreateGroupBuyInput, groupBuyContract, GroupBuyOutputs } from '@/shared/contracts/group-buy'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof groupBuyContract, GroupBuyOutputs>('groupBuy')

export const groupBuyService = {
  list: (pickupPointId: string, cursor?: string, sort?: 'newest' | 'endingSoon') =>
    call('list', { pickupPointId, limit: 20, ...(cursor ? { cursor } : {}), ...(sort ? { sort } : {}) }),
  get: (groupBuyId: string) => call('get', { groupBuyId }),
  join: (groupBuyId: string, quantity: number, requestId: string) => call('join', { groupBuyId, quantity, requestId }),
  create: (input: CreateGroupBuyInput) => call('create', input),
  listMine: (cursor?: string) => call('listMine', cursor ? { cursor } : {}),
  participants: (groupBuyId: string, cursor?: string) => call('participants', { groupBuyId, ...(cursor ? { cursor } : {}) }),
  markArrived: (groupBuyId: string) => call('markArrived', { groupBuyId }),
}
