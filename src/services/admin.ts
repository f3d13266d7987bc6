import type { adminContract, AdminOutputs } from '@/shared/contracts/admin'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof adminContract, AdminOutputs>('admin')

export const adminService = {
  reconcile: () => call('reconcile', {}),
  lastReconciliation: () => call('lastReconciliation', {}),
}
