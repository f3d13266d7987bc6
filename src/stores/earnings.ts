import { create } from 'zustand'
import type { AccountRole, BalanceView, LedgerOutputs, MoneyLine, PayoutView, TierView } from '@/shared/contracts/ledger'
import { newRequestId } from '@/services/cloud'
import type { ClientError } from '@/shared/client-result'
import { ledgerService } from '@/services/ledger'
import { confirmMerchantTransfer } from '@/services/merchant-transfer'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'

type Statement = LedgerOutputs['statement']

export interface EarningsState {
  /** Whose account the screen shows (收益 of a leader or a store, 结算 of a merchant); absent: the server's default. */
  account: AccountRole | undefined
  balance: BalanceView | null
  balanceLoading: boolean
  balanceError: ClientError | null
  /** One line per order, payout or debt repayment (ledger.lines), newest first. */
  lines: PagedState<MoneyLine>
  statement: Statement | null
  statementLoading: boolean
  statementError: ClientError | null
  withdrawing: boolean
  withdrawError: ClientError | null
  /** Kept until the payout is accepted, so a retry after a lost reply asks for the same payout. */
  withdrawRequestId: string | null
  /** My latest payouts; those waiting for 确认收款 carry what WeChat's confirmation needs. */
  payouts: PayoutView[]
  /** The payout whose 确认收款 is in progress. */
  confirming: string | null
  confirmError: ClientError | null
  /** Show this account from now on (a page sets it before its first refresh). */
  setAccount: (as: AccountRole | undefined) => void
  refresh: () => Promise<void>
  loadMoreLines: () => Promise<void>
  loadStatement: (month: string) => Promise<void>
  /** Withdraw `amountFen` of the available balance (the real name from ¥2,000); true when the payout was accepted. */
  withdraw: (amountFen: number, realName?: string) => Promise<boolean>
  /** 确认收款: WeChat's confirmation of the payout's transfer, then the payout as the ledger now sees it. */
  confirmPayout: (payoutId: string) => Promise<boolean>
  reset: () => void
}

const initial = () => ({
  account: undefined as AccountRole | undefined,
  balance: null,
  balanceLoading: false,
  balanceError: null,
  lines: emptyPaged<MoneyLine>(),
  statement: null,
  statementLoading: false,
  statementError: null,
  withdrawing: false,
  withdrawError: null,
  withdrawRequestId: null as string | null,
  payouts: [] as PayoutView[],
  confirming: null as string | null,
  confirmError: null as ClientError | null,
})

/** How far this month's picked-up sales are toward the next tier, 0–1 (1 at the top tier). */
export function tierProgress(tier: TierView): number {
  if (tier.nextThresholdFen === null) return 1
  return Math.max(0, Math.min(1, tier.monthPickedUpFen / tier.nextThresholdFen))
}

export const useEarningsStore = create<EarningsState>()((set, get) => {
  const setLines = (patch: Partial<PagedState<MoneyLine>>) => set({ lines: { ...get().lines, ...patch } })
  const loadBalance = async () => {
    set({ balanceLoading: true, balanceError: null })
    const as = get().account
    const res = as ? await ledgerService.balance(as) : await ledgerService.balance()
    if (res.ok) set({ balance: res.data, balanceLoading: false })
    else set({ balanceLoading: false, balanceError: res.error })
  }
  const loadPayouts = async () => {
    const as = get().account
    // A store has no payouts (its fees are settled by the platform, not withdrawn here).
    if (as === 'store') return
    const res = as ? await ledgerService.payouts(as) : await ledgerService.payouts()
    if (res.ok) set({ payouts: res.data.items })
  }
  return {
    ...initial(),
    setAccount: (as) => {
      if (as !== get().account) set({ ...initial(), account: as })
    },
    refresh: async () => {
      const as = get().account
      await Promise.all([loadBalance(), loadFirstPage(setLines, () => ledgerService.lines(undefined, as)), loadPayouts()])
    },
    loadMoreLines: () => loadNextPage(() => get().lines, setLines, (c) => ledgerService.lines(c, get().account)),
    loadStatement: async (month) => {
      set({ statementLoading: true, statementError: null })
      const as = get().account
      const res = as ? await ledgerService.statement(month, as) : await ledgerService.statement(month)
      if (res.ok) set({ statement: res.data, statementLoading: false })
      else set({ statementLoading: false, statementError: res.error })
    },
    confirmPayout: async (payoutId) => {
      const p = get().payouts.find((x) => x.payoutId === payoutId)
      if (!p?.confirm || get().confirming) return false
      set({ confirming: payoutId, confirmError: null })
      const confirmed = await confirmMerchantTransfer(payoutId, p.confirm)
      if (!confirmed.ok) {
        set({ confirming: null, confirmError: confirmed.error })
        return false
      }
      const res = await ledgerService.refreshPayout(payoutId)
      set({ confirming: null, ...(res.ok ? { payouts: get().payouts.map((x) => (x.payoutId === payoutId ? res.data : x)) } : {}) })
      void get().refresh()
      return true
    },
    withdraw: async (amountFen, realName) => {
      if (get().withdrawing || amountFen <= 0) return false
      const requestId = get().withdrawRequestId ?? newRequestId()
      set({ withdrawing: true, withdrawError: null, withdrawRequestId: requestId })
      const as = get().account
      const res = as ? await ledgerService.requestPayout(amountFen, requestId, realName, as) : realName ? await ledgerService.requestPayout(amountFen, requestId, realName) : await ledgerService.requestPayout(amountFen, requestId)
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
