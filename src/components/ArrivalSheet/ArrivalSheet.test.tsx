import { fireEvent, render, screen } from '@testing-library/react'
import type { PickListItem } from '@/shared/contracts/group-buy'
import ArrivalSheet from '.'
import { previewShortage } from './shortage'

const items: PickListItem[] = [
  { seq: 2, maskedName: '李**', quantity: 3, servedQuantity: 3, status: 'PAID' },
  { seq: 1, maskedName: '张**', quantity: 2, servedQuantity: 2, status: 'PAID' },
  { seq: 3, maskedName: '王**', quantity: 1, servedQuantity: 1, status: 'PAID' },
]

it('a shortage falls on the latest 跟团号 and is refunded at the price', () => {
  const p = previewShortage(items, 3, 1990)
  expect(p).toMatchObject({ expected: 6, short: 3, refundFen: 5970 })
  expect(p.cut).toEqual([
    { seq: 2, maskedName: '李**', quantity: 3, served: 1 },
    { seq: 3, maskedName: '王**', quantity: 1, served: 0 },
  ])
  expect(previewShortage(items, 6, 1990)).toMatchObject({ short: 0, cut: [], refundFen: 0 })
  expect(previewShortage(items, 99, 1990).short).toBe(0)
})

it('says who gets less and what is refunded before the leader confirms a shortage', async () => {
  const onConfirm = jest.fn()
  const { container } = render(<ArrivalSheet visible items={items} priceFen={1990} unit='份' submitting={false} onClose={() => undefined} onConfirm={onConfirm} />)
  expect(screen.getByText('全部到齐：确认后通知所有团员凭提货码取货。')).toBeTruthy()
  // The stepper's minus: one unit fewer arrived than was paid for.
  fireEvent.click(container.querySelector('.nut-inputnumber-minus') as Element)
  expect(await screen.findByText('缺货 1份')).toBeTruthy()
  expect(screen.getByText('#3 王**：应发 1，实发 0，退 ¥19.90')).toBeTruthy()
  fireEvent.click(screen.getByText('确认到货 5份 并退款'))
  expect(onConfirm).toHaveBeenCalledWith(5)
})

it('everything arrived is confirmed without a quantity', () => {
  const onConfirm = jest.fn()
  render(<ArrivalSheet visible items={items} priceFen={1990} unit='份' submitting={false} onClose={() => undefined} onConfirm={onConfirm} />)
  fireEvent.click(screen.getByText('确认全部到货'))
  expect(onConfirm).toHaveBeenCalledWith(undefined)
})
