import type { NoticeKey, userContract, UserOutputs } from '@/shared/contracts/user'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof userContract, UserOutputs>('user')

export const userService = {
  me: () => call('me', {}),
  listPickupPoints: () => call('listPickupPoints', {}),
  choosePickupPoint: (pickupPointId: string) => call('choosePickupPoint', { pickupPointId }),
  recordConsent: (templates: NoticeKey[]) => call('recordConsent', { templates }),
  notices: (cursor?: string) => call('notices', cursor ? { cursor } : {}),
  markNoticesRead: () => call('markNoticesRead', {}),
  setMarketingConsent: (consent: boolean) => call('setMarketingConsent', { consent }),
  exportMyData: () => call('exportMyData', {}),
  recordUpload: (fileID: string) => call('recordUpload', { fileID }),
  deleteMe: () => call('deleteMe', { confirm: true }),
  /** 收货人: 称呼, optional phone and 门牌/备注 (replaces the whole contact). */
  setContact: (contact: { name: string; phone?: string; note?: string }) => call('setContact', contact),
}
