import type { pickupContract, PickupOutputs } from '@/shared/contracts/pickup'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof pickupContract, PickupOutputs>('pickup')

export const pickupService = {
  verify: (code: string) => call('verify', { code }),
  today: (cursor?: string) => call('today', cursor ? { cursor } : {}),
}
