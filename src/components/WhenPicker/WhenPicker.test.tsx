import { fireEvent, render, screen } from '@testing-library/react'
import { useState } from 'react'
import WhenPicker, { TimePresets, type Wall } from '.'
import { wallFromColumns, wheelRange } from './wall'

// 2026-12-05 10:30 China time.
const now = Date.UTC(2026, 11, 5, 2, 30)

function Harness({ initial, onChange }: { initial: Wall; onChange: (w: Wall) => void }) {
  const [v, setV] = useState(initial)
  return (
    <WhenPicker
      value={v}
      now={now}
      title='结束时间'
      onChange={(w) => {
        setV(w)
        onChange(w)
      }}
    />
  )
}

it('opens a date-and-time wheel that starts today, and shows the choice on the chip', async () => {
  const onChange = jest.fn()
  render(<Harness initial={{ date: '2026-12-06', time: '20:00' }} onChange={onChange} />)
  expect(screen.getByText('12月06日 20:00')).toBeTruthy()
  fireEvent.click(screen.getByText('12月06日 20:00'))
  // Five columns (year, month, day, hour, minute) with Chinese units; the first year is this year, never 1970.
  expect(await screen.findByText('结束时间')).toBeTruthy()
  expect(screen.queryByText('1970年')).toBeNull()
  expect(screen.getAllByText('2026年').length).toBeGreaterThan(0)
  fireEvent.click(screen.getByText('确认'))
  expect(onChange).toHaveBeenCalledWith({ date: '2026-12-06', time: '20:00' })
})

it('reads the wheel columns as China wall clock, padded', () => {
  expect(wallFromColumns(['2026', '12', '6', '9', '5'], 'datetime', '')).toEqual({ date: '2026-12-06', time: '09:05' })
  expect(wallFromColumns(['16', '0'], 'time', '2026-12-07')).toEqual({ date: '2026-12-07', time: '16:00' })
  // Today in China, even where the phone's own day is still yesterday (UTC 20:00 on the 4th = 04:00 on the 5th).
  expect(wheelRange(Date.UTC(2026, 11, 4, 20, 0)).start.date).toBe('2026-12-05')
  expect(wheelRange(now, Date.UTC(2026, 11, 8, 2, 0)).end.date).toBe('2026-12-08')
})

it('a preset is one tap', () => {
  const onPick = jest.fn()
  render(<TimePresets items={[{ label: '今晚 20:00 截团', onPick }]} />)
  fireEvent.click(screen.getByText('今晚 20:00 截团'))
  expect(onPick).toHaveBeenCalled()
})
