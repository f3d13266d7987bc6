import { create } from 'zustand'
import type { BalanceView, LedgerEntryView, LedgerOutputs, TierView } from '@/shared/contracts/ledger'
import { newRequestId } from '@/services/cloud'
import type { ClientError } from '@/shared/client-result'
import { ledgerService } from '@/services/ledger'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'

type Statement = LedgerOutputs['statement']

export interface EarningsState {
  balance: BalanceView | null
  balanceLoading: boolean
  balanceError: ClientError | null
  entries: PagedState<LedgerEntryView>
  statement: Statement | null
  statementLoading: boolean
  statementError: ClientError | null
  withdrawing: boolean
  withdrawError: ClientError | null
  /** Kept until the payout is accepted, so a retry after a lost reply asks for the same payout. */
  withdrawRequestId: string | null
  refresh: () => Promise<void>
  loadMoreEntries: () => Promise<void>
  loadStatement: (month: string) => Promise<void>
  /** Withdraw `amountFen` of the available balance; true when the payout was accepted. */
  withdraw: (amountFen: number) => Promise<boolean>
  reset: () => void
}

const initial = () => ({
  balance: null,
  balanceLoading: false,
  balanceError: null,
  entries: emptyPaged<LedgerEntryView>(),
  statement: null,
  statementLoading: false,
  statementError: null,
  withdrawing: false,
  withdrawError: null,
  withdrawRequestId: null as string | null,
})

/** How far this month's picked-up sales are toward the next tier, 0–1 (1 at the top tier). */
export function tierProgress(tier: TierView): number {
  if (tier.nextThresholdFen === null) return 1
  return Math.max(0, Math.min(1, tier.monthPickedUpFen / tier.nextThresholdFen))
}

export const useEarningsStore = create<EarningsState>()((set, get) => {
  const setEntries = (patch: Partial<PagedState<LedgerEntryView>>) => set({ entries: { ...get().entries, ...patch } })
  const loadBalance = async () => {
    set({ balanceLoading: true, balanceError: null })
    const res = await ledgerService.balance()
    if (res.ok) set({ balance: res.data, balanceLoading: false })
    else set({ balanceLoading: false, balanceError: res.error })
  }
  return {
    ...initial(),
    refresh: async () => {
      await Promise.all([loadBalance(), loadFirstPage(setEntries, () => ledgerService.entries())])
    },
    loadMoreEntries: () => loadNextPage(() => get().entries, setEntries, (c) => ledgerService.entries(c)),
    loadStatement: async (month) => {
      set({ statementLoading: true, statementError: null })
      const res = await ledgerService.statement(month)
      if (res.ok) set({ statement: res.data, statementLoading: false })
      else set({ statementLoading: false, statementError: res.error })
    },
    withdraw: async (amountFen) => {
      if (get().withdrawing || amountFen <= 0) return false
      const requestId = get().withdrawRequestId ?? newRequestId()
      set({ withdrawing: true, withdrawError: null, withdrawRequestId: requestId })
      const res = await ledgerService.requestPayout(amountFen, requestId)
      if (!res.ok) {
        // A refusal (not enough available) will not change on retry: the next tap is a new request.
        const spent = res.error.code === 'LEDGER.INSUFFICIENT' || res.error.code === 'INPUT.INVALID'
        set({ withdrawing: false, withdrawError: res.error, ...(spent ? { withdrawRequestId: null } : {}) })
        return false
      }
      set({ withdrawing: false, withdrawRequestId: null })
      void get().refresh()
      return true
    },
    reset: () => set(initial()),
  }
})
