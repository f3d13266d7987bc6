import { ledgerService } from '@/services/ledger'
import { tierProgress, useEarningsStore } from './earnings'

jest.mock('@/services/ledger', () => ({ ledgerService: { balance: jest.fn(), entries: jest.fn(), lines: jest.fn(), statement: jest.fn(), requestPayout: jest.fn(), payouts: jest.fn(), refreshPayout: jest.fn() } }))
const svc = ledgerService as unknown as Record<'balance' | 'entries' | 'lines' | 'statement' | 'requestPayout' | 'payouts' | 'refreshPayout', jest.Mock>

const balance = { party: 'leader', partyId: 'l1', frozenFen: 2740, awaitingPickupFen: 1000, afterSalesFen: 1740, availableFen: 3858, paidOutFen: 2000, pendingPayoutFen: 0, debtFen: 0, tier: { bonusBp: 0, monthPickedUpFen: 15050, nextThresholdFen: 500000 } }

beforeEach(() => {
  useEarningsStore.getState().reset()
  jest.clearAllMocks()
  svc.balance.mockResolvedValue({ ok: true, data: balance })
  svc.lines.mockResolvedValue({ ok: true, data: { items: [], nextCursor: null } })
  svc.payouts.mockResolvedValue({ ok: true, data: { items: [] } })
})

it('loads the balance and the first page of lines together', async () => {
  await useEarningsStore.getState().refresh()
  expect(useEarningsStore.getState().balance).toEqual(balance)
  expect(useEarningsStore.getState().lines.loaded).toBe(true)
  expect(svc.lines).toHaveBeenCalledWith(undefined, undefined)
})

it('an account chosen by the page (结算: merchant; a store’s 收益) is asked for everywhere, and a store asks for no payouts', async () => {
  useEarningsStore.getState().setAccount('merchant')
  await useEarningsStore.getState().refresh()
  expect(svc.balance).toHaveBeenCalledWith('merchant')
  expect(svc.lines).toHaveBeenCalledWith(undefined, 'merchant')
  expect(svc.payouts).toHaveBeenCalledWith('merchant')
  svc.requestPayout.mockResolvedValueOnce({ ok: true, data: { payoutId: 'p1', status: 'PENDING', amountFen: 10 } })
  await useEarningsStore.getState().withdraw(10)
  expect(svc.requestPayout).toHaveBeenCalledWith(10, expect.any(String), undefined, 'merchant')

  jest.clearAllMocks()
  useEarningsStore.getState().setAccount('store')
  expect(useEarningsStore.getState().balance).toBeNull()
  await useEarningsStore.getState().refresh()
  expect(svc.balance).toHaveBeenCalledWith('store')
  expect(svc.payouts).not.toHaveBeenCalled()
})

it('a withdrawal retried after a lost reply re-sends the same requestId; a refused one starts over', async () => {
  svc.requestPayout.mockResolvedValueOnce({ ok: false, error: { code: 'CLIENT.NETWORK', message: '' } })
  expect(await useEarningsStore.getState().withdraw(1000)).toBe(false)
  svc.requestPayout.mockResolvedValueOnce({ ok: true, data: { payoutId: 'p1', status: 'PENDING', amountFen: 1000 } })
  expect(await useEarningsStore.getState().withdraw(1000)).toBe(true)
  const [first, second] = svc.requestPayout.mock.calls
  expect(second[1]).toBe(first[1])

  svc.requestPayout.mockResolvedValueOnce({ ok: false, error: { code: 'LEDGER.INSUFFICIENT', message: '' } })
  expect(await useEarningsStore.getState().withdraw(99999)).toBe(false)
  expect(useEarningsStore.getState().withdrawError?.code).toBe('LEDGER.INSUFFICIENT')
  svc.requestPayout.mockResolvedValueOnce({ ok: true, data: { payoutId: 'p2', status: 'PENDING', amountFen: 10 } })
  await useEarningsStore.getState().withdraw(10)
  expect(svc.requestPayout.mock.calls[3][1]).not.toBe(svc.requestPayout.mock.calls[2][1])
})

it('shows tier progress toward the next threshold, full at the top tier', () => {
  expect(tierProgress({ bonusBp: 0, monthPickedUpFen: 250000, nextThresholdFen: 500000 })).toBe(0.5)
  expect(tierProgress({ bonusBp: 200, monthPickedUpFen: 9e9, nextThresholdFen: null })).toBe(1)
})
