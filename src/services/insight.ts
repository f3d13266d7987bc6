import type { insightContract, InsightOutputs } from '@/shared/contracts/insight'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof insightContract, InsightOutputs>('insight')

export const insightService = {
  dashboard: (from: number, to: number) => call('dashboard', { from, to }),
}
