import type { AccountRole, ledgerContract, LedgerOutputs } from '@/shared/contracts/ledger'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof ledgerContract, LedgerOutputs>('ledger')

/** `as`: whose account, for someone holding several roles (absent: leader, else merchant, else the clerk's store). */
type Payee = Exclude<AccountRole, 'store'>
const payee = (as?: AccountRole) => (as && as !== 'store' ? { as: as as Payee } : {})

export const ledgerService = {
  balance: (as?: AccountRole) => call('balance', as ? { as } : {}),
  entries: (cursor?: string) => call('entries', cursor ? { cursor } : {}),
  lines: (cursor?: string, as?: AccountRole) => call('lines', { ...(cursor ? { cursor } : {}), ...(as ? { as } : {}) }),
  statement: (month: string, as?: AccountRole) => call('statement', { month, ...payee(as) }),
  requestPayout: (amountFen: number, requestId: string, realName?: string, as?: AccountRole) => call('requestPayout', { amountFen, requestId, ...(realName ? { realName } : {}), ...payee(as) }),
  payouts: (as?: AccountRole) => call('payouts', payee(as)),
  refreshPayout: (payoutId: string) => call('refreshPayout', { payoutId }),
}
