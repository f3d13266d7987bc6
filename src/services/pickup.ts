import { callFunction } from './cloud'
import type { PickupOutputs } from './pending-contracts'

export const pickupService = {
  verify: (code: string) => callFunction<PickupOutputs['verify']>('pickup', 'verify', { code }),
  today: (cursor?: string) => callFunction<PickupOutputs['today']>('pickup', 'today', cursor ? { cursor } : {}),
}
