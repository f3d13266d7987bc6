import { fireEvent, render, screen } from '@testing-library/react'
import JoinSheet from '.'

const base = {
  title: '阳光玫瑰葡萄', priceFen: 1990, unit: '份', limitPerUser: 3, maxQuantity: 2, alreadyHeld: 1,
  submitting: false, error: null, onClose: () => undefined,
}

it('shows the total in yuan as the quantity changes and confirms that quantity', () => {
  const onConfirm = jest.fn()
  render(<JoinSheet {...base} onConfirm={onConfirm} />)
  expect(screen.getByText('每人限购 3份，你已参团 1份')).toBeTruthy()
  expect(screen.getByText('确认支付 ¥19.90')).toBeTruthy()
  fireEvent.click(screen.getByLabelText('增加'))
  fireEvent.click(screen.getByLabelText('增加')) // capped at 2 (limit 3 minus 1 held)
  fireEvent.click(screen.getByText('确认支付 ¥39.80'))
  expect(onConfirm).toHaveBeenCalledWith(2)
})

it('explains a refused join in Chinese', () => {
  render(<JoinSheet {...base} error={{ code: 'GROUP_BUY.SOLD_OUT', message: 'stockLeft=0' }} onConfirm={jest.fn()} />)
  expect(screen.getByText('库存不足，已被抢光了')).toBeTruthy()
  expect(screen.queryByText(/stockLeft/)).toBeNull()
})

it('cannot be confirmed once the limit is reached', () => {
  render(<JoinSheet {...base} maxQuantity={0} onConfirm={jest.fn()} />)
  expect((screen.getByRole('button', { name: '已达限购' }) as HTMLButtonElement).disabled).toBe(true)
})

it('asks in one line what happens if the group fails: refund by default, or keep for the next group', () => {
  const onFailChange = jest.fn()
  const { rerender } = render(<JoinSheet {...base} onConfirm={jest.fn()} onFail='REFUND' onFailChange={onFailChange} />)
  expect(screen.getByText('没成团时')).toBeTruthy()
  expect(screen.getByText('退款').className).toContain('join-sheet__choice--on')
  fireEvent.click(screen.getByText('保留到下一团（7 天内）'))
  expect(onFailChange).toHaveBeenCalledWith('ROLL_OVER')
  rerender(<JoinSheet {...base} onConfirm={jest.fn()} onFail='ROLL_OVER' onFailChange={onFailChange} />)
  expect(screen.getByText('保留到下一团（7 天内）').className).toContain('join-sheet__choice--on')
})

describe('配送到家 (#25)', () => {
  const hour = 3600_000
  const slot = { startAt: Date.now() + 2 * hour, endAt: Date.now() + 4 * hour }
  const delivery = { enabled: true, feeFen: 300, freeOverFen: 5000, buildings: ['1栋', '2栋', '10栋'], slots: [slot, { startAt: Date.now() - 4 * hour, endAt: Date.now() - hour }] }

  it('offers delivery only where the point delivers; 到店自提 stays the default and confirms as before', () => {
    const { rerender } = render(<JoinSheet {...base} onConfirm={jest.fn()} />)
    expect(screen.queryByText('配送到家')).toBeNull()
    const onConfirm = jest.fn()
    rerender(<JoinSheet {...base} onConfirm={onConfirm} delivery={delivery} />)
    expect(screen.getByText('到店自提').className).toContain('join-sheet__choice--on')
    fireEvent.click(screen.getByText('确认支付 ¥19.90'))
    expect(onConfirm).toHaveBeenCalledWith(1)
  })

  it('asks building, room and slot (ended slots are not offered), shows the fee in the total and confirms the address', () => {
    const onConfirm = jest.fn()
    render(<JoinSheet {...base} onConfirm={onConfirm} delivery={delivery} savedAddress={{ building: '10栋', room: '1201' }} />)
    fireEvent.click(screen.getByText('配送到家'))
    expect(screen.getByText('配送费 ¥3.00，满 ¥50.00 免配送费')).toBeTruthy()
    expect(screen.getByText('10栋').className).toContain('join-sheet__choice--on')
    expect(screen.getAllByText(/\d+月\d+日 \d\d:\d\d–/)).toHaveLength(1)
    fireEvent.click(screen.getByText('确认支付 ¥22.90'))
    expect(screen.getByText('请选择配送时段')).toBeTruthy()
    expect(onConfirm).not.toHaveBeenCalled()
    fireEvent.click(screen.getByText(/\d+月\d+日 \d\d:\d\d–/))
    fireEvent.click(screen.getByText('确认支付 ¥22.90'))
    expect(onConfirm).toHaveBeenCalledWith(1, undefined, { fulfilment: 'DELIVERY', building: '10栋', room: '1201', slot })
  })

  it('is free at or over the threshold', () => {
    render(<JoinSheet {...base} priceFen={2500} onConfirm={jest.fn()} delivery={delivery} />)
    fireEvent.click(screen.getByText('配送到家'))
    fireEvent.click(screen.getByLabelText('增加'))
    expect(screen.getByText('免配送费')).toBeTruthy()
    expect(screen.getByText('确认支付 ¥50.00')).toBeTruthy()
  })
})
