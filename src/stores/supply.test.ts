import { groupBuyService } from '@/services/group-buy'
import { openExport } from '@/services/storage'
import { supplyService } from '@/services/supply'
import { useSupplyStore } from './supply'

jest.mock('@/services/group-buy', () => ({ groupBuyService: { createFromOffer: jest.fn(), pickList: jest.fn() } }))
jest.mock('@/services/supply', () => ({ supplyService: { listOpen: jest.fn() } }))
jest.mock('@/services/storage', () => ({ openExport: jest.fn() }))
const gb = groupBuyService as jest.Mocked<typeof groupBuyService>

beforeEach(() => {
  useSupplyStore.getState().reset()
  jest.clearAllMocks()
  ;(supplyService.listOpen as jest.Mock).mockResolvedValue({ ok: true, data: { items: [], nextCursor: null } })
})

it('opening a group buy from an offer answers its id; a price out of range is reported, not thrown', async () => {
  gb.createFromOffer.mockResolvedValueOnce({ ok: false, error: { code: 'SUPPLY.PRICE_OUT_OF_RANGE', message: '' } })
  const input = { offerId: 'o1', priceFen: 100, stock: 10, minParticipants: 2, limitPerUser: 2 }
  expect(await useSupplyStore.getState().createFromOffer(input)).toBeNull()
  expect(useSupplyStore.getState().submitError?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
  gb.createFromOffer.mockResolvedValueOnce({ ok: true, data: { groupBuyId: 'g9' } })
  expect(await useSupplyStore.getState().createFromOffer(input)).toBe('g9')
  expect(useSupplyStore.getState().submitError).toBeNull()
})

it('exports the pick list as CSV and opens its temp URL', async () => {
  gb.pickList.mockResolvedValueOnce({ ok: true, data: { items: [], fileID: 'cloud://x/exports/a.csv', tempFileURL: 'http://h/a.csv' } })
  ;(openExport as jest.Mock).mockResolvedValueOnce({ ok: true, data: null })
  expect(await useSupplyStore.getState().exportPickList('g1')).toBe('http://h/a.csv')
  expect(gb.pickList).toHaveBeenCalledWith('g1', 'csv')
  expect(openExport).toHaveBeenCalledWith('http://h/a.csv', expect.stringMatching(/\.csv$/))
})

it('an export without a URL is a failure the page can word', async () => {
  gb.pickList.mockResolvedValueOnce({ ok: true, data: { items: [] } })
  expect(await useSupplyStore.getState().exportPickList('g1')).toBeNull()
  expect(useSupplyStore.getState().exportError?.code).toBe('INTERNAL')
  expect(openExport).not.toHaveBeenCalled()
})

it('keeps the pick list of the group buy asked for last', async () => {
  gb.pickList.mockResolvedValueOnce({ ok: true, data: { items: [{ seq: 1, maskedName: '张**', quantity: 2, servedQuantity: 2, status: 'PAID' }] } })
  await useSupplyStore.getState().loadPickList('g1')
  expect(useSupplyStore.getState().pickList).toMatchObject({ groupBuyId: 'g1', loaded: true, items: [{ seq: 1 }] })
  gb.pickList.mockResolvedValueOnce({ ok: false, error: { code: 'AUTH.FORBIDDEN', message: '' } })
  await useSupplyStore.getState().loadPickList('g2')
  expect(useSupplyStore.getState().pickList).toMatchObject({ groupBuyId: 'g2', items: [], error: { code: 'AUTH.FORBIDDEN' } })
})
