import type { CreateGroupBuyInput, groupBuyContract, GroupBuyOutputs } from '@/shared/contracts/group-buy'
import type { z } from 'zod'
import { contractCaller } from './contract-caller'

/** The optional parts of a join. */
export type JoinExtra = Omit<z.input<typeof groupBuyContract.join>, 'groupBuyId' | 'quantity' | 'requestId'>

const call = contractCaller<typeof groupBuyContract, GroupBuyOutputs>('groupBuy')

export const groupBuyService = {
  list: (pickupPointId: string, cursor?: string, sort?: 'newest' | 'endingSoon') =>
    call('list', { pickupPointId, limit: 20, ...(cursor ? { cursor } : {}), ...(sort ? { sort } : {}) }),
  get: (groupBuyId: string) => call('get', { groupBuyId }),
  /** The detail page opened from a poster's code. */
  getByScene: (scene: string) => call('get', { scene }),
  /** `extra.scene`: the poster code the resident came through (attributes the order to its leader). */
  join: (groupBuyId: string, quantity: number, requestId: string, extra?: JoinExtra) =>
    call('join', { groupBuyId, quantity, requestId, ...extra }),
  create: (input: CreateGroupBuyInput) => call('create', input),
  listMine: (cursor?: string) => call('listMine', cursor ? { cursor } : {}),
  participants: (groupBuyId: string, cursor?: string) => call('participants', { groupBuyId, ...(cursor ? { cursor } : {}) }),
  /** receivedQuantity absent = everything paid for arrived. */
  markArrived: (groupBuyId: string, receivedQuantity?: number) =>
    call('markArrived', { groupBuyId, ...(receivedQuantity === undefined ? {} : { receivedQuantity }) }),
  /** 帮卖: open a group buy at the leader's own point from a merchant's supply offer. */
  createFromOffer: (input: z.input<typeof groupBuyContract.createFromOffer>) => call('createFromOffer', input),
  /** 截团: end the group buy now (成团 or refunds, as at its end time). */
  close: (groupBuyId: string) => call('close', { groupBuyId }),
  /** The pick list in 跟团号 order; `csv` also writes a file and returns its temp URL. */
  pickList: (groupBuyId: string, format?: 'json' | 'csv') => call('pickList', { groupBuyId, ...(format ? { format } : {}) }),
  /** The poster's mini-program code (made once per group buy). */
  shareCode: (groupBuyId: string) => call('shareCode', { groupBuyId }),
}
