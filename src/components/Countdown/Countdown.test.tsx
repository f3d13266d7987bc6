import { act, render, screen } from '@testing-library/react'
import Countdown from '.'
import { formatFen } from '../format'

beforeEach(() => jest.useFakeTimers().setSystemTime(new Date('2026-11-25T10:00:00+08:00')))
afterEach(() => jest.useRealTimers())

it('ticks down every second and says when it is over', () => {
  render(<Countdown to={Date.now() + 2_000} />)
  expect(screen.getByText('距结束 00:00:02')).toBeTruthy()
  act(() => void jest.advanceTimersByTime(1_000))
  expect(screen.getByText('距结束 00:00:01')).toBeTruthy()
  act(() => void jest.advanceTimersByTime(1_000))
  expect(screen.getByText('已结束')).toBeTruthy()
})

it('shows days for long-running groups', () => {
  render(<Countdown to={Date.now() + 26 * 3600_000 + 61_000} />)
  expect(screen.getByText('距结束 1天 02:01:01')).toBeTruthy()
})

it('formats fen as yuan with two decimals', () => {
  expect(formatFen(1990)).toBe('¥19.90')
  expect(formatFen(5)).toBe('¥0.05')
  expect(formatFen(100000)).toBe('¥1000.00')
})
