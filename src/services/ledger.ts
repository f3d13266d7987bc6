import type { ledgerContract, LedgerOutputs } from '@/shared/contracts/ledger'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof ledgerContract, LedgerOutputs>('ledger')

export const ledgerService = {
  balance: () => call('balance', {}),
  entries: (cursor?: string) => call('entries', cursor ? { cursor } : {}),
  statement: (month: string) => call('statement', { month }),
  requestPayout: (amountFen: number, requestId: string, realName?: string) => call('requestPayout', { amountFen, requestId, ...(realName ? { realName } : {}) }),
  payouts: () => call('payouts', {}),
  refreshPayout: (payoutId: string) => call('refreshPayout', { payoutId }),
}
