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
}
