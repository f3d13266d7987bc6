import { act, fireEvent, render, screen } from '@testing-library/react'
import { __reset, calls } from '../../../../test/ui/stubs/taro'
import { groupBuyService } from '@/services/group-buy'
import { openExport } from '@/services/storage'
import { useSupplyStore } from '@/stores/supply'
import LeaderPickListPage from '.'

jest.mock('@/services/group-buy', () => ({ groupBuyService: { pickList: jest.fn() } }))
jest.mock('@/services/storage', () => ({ openExport: jest.fn() }))
const pickList = groupBuyService.pickList as jest.Mock

beforeEach(() => {
  __reset({ id: 'g1' })
  useSupplyStore.getState().reset()
  jest.clearAllMocks()
})

it('lists who gets what in 跟团号 order, a shortage as served/ordered, and exports the CSV', async () => {
  pickList.mockResolvedValue({
    ok: true,
    data: {
      items: [
        { seq: 1, maskedName: '张**', quantity: 1, servedQuantity: 1, status: 'READY_FOR_PICKUP' },
        { seq: 2, maskedName: '李**', quantity: 2, servedQuantity: 1, status: 'READY_FOR_PICKUP' },
      ],
      tempFileURL: 'http://h/exports/p.csv',
    },
  })
  ;(openExport as jest.Mock).mockResolvedValue({ ok: true, data: null })
  render(<LeaderPickListPage />)
  expect(await screen.findByText('共 2 单 · 应发 2 份')).toBeTruthy()
  expect(screen.getByText('#1')).toBeTruthy()
  expect(screen.getByText('1/2')).toBeTruthy()
  await act(async () => {
    fireEvent.click(screen.getByText('导出 CSV'))
  })
  expect(pickList).toHaveBeenLastCalledWith('g1', 'csv')
  expect(openExport).toHaveBeenCalledWith('http://h/exports/p.csv', '拣货单-g1.csv')
  expect(calls.toasts).toEqual([])
})

it('no paid orders yet: nothing to export', async () => {
  pickList.mockResolvedValue({ ok: true, data: { items: [] } })
  render(<LeaderPickListPage />)
  expect(await screen.findByText('还没有已付款的订单')).toBeTruthy()
  fireEvent.click(screen.getByText('导出 CSV'))
  expect(pickList).toHaveBeenCalledTimes(1)
})
