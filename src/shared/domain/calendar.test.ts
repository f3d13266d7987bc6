import fc from 'fast-check'
import { chinaDay, chinaDayKey, chinaDayNumber, chinaMidnight, chinaMonth, chinaMonthRange, dayNumberToDay, daysInRange, formatChina } from './calendar'

// China time is UTC+8 all year (no daylight saving). The oracle below is the arithmetic the calendar replaced;
// the calendar must agree with it at every instant, whatever time zone the process runs in.
const H8 = 8 * 3_600_000
const wall = (ms: number) => new Date(ms + H8).toISOString() // 'YYYY-MM-DDTHH:mm:ss.sssZ' of the China wall clock
const instants = fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) })

it('reads the China day, month and midnight of any instant', () => {
  fc.assert(
    fc.property(instants, (ms) => {
      expect(chinaDay(ms)).toBe(wall(ms).slice(0, 10))
      expect(chinaDayKey(ms)).toBe(wall(ms).slice(0, 10).replace(/-/g, ''))
      expect(chinaMonth(ms)).toBe(wall(ms).slice(0, 7))
      expect(chinaMidnight(ms)).toBe(Math.floor((ms + H8) / 86_400_000) * 86_400_000 - H8)
      expect(formatChina(ms, 'YYYY-MM-DD HH:mm:ss')).toBe(wall(ms).slice(0, 19).replace('T', ' '))
      expect(dayNumberToDay(chinaDayNumber(ms))).toBe(chinaDay(ms))
    }),
    { numRuns: 2000 },
  )
})

it('turns at 16:00 UTC, the China midnight', () => {
  expect(chinaDay(Date.UTC(2026, 11, 31, 15, 59, 59, 999))).toBe('2026-12-31')
  expect(chinaDay(Date.UTC(2026, 11, 31, 16, 0))).toBe('2027-01-01')
  expect(chinaMonth(Date.UTC(2026, 11, 31, 16, 0))).toBe('2027-01')
  expect(chinaMidnight(Date.UTC(2026, 11, 31, 16, 0))).toBe(Date.UTC(2026, 11, 31, 16, 0))
  expect(formatChina(Date.UTC(2026, 11, 31, 16, 5, 9), 'YYYYMMDDHHmmss')).toBe('20270101000509')
})

it('gives a month as [start, end) in ms, December and leap February included', () => {
  expect(chinaMonthRange('2026-12')).toEqual({ start: Date.UTC(2026, 10, 30, 16), end: Date.UTC(2026, 11, 31, 16) })
  expect(chinaMonthRange('2028-02')).toEqual({ start: Date.UTC(2028, 0, 31, 16), end: Date.UTC(2028, 1, 29, 16) })
  fc.assert(
    fc.property(instants, (ms) => {
      const { start, end } = chinaMonthRange(chinaMonth(ms))
      expect(start <= ms && ms < end).toBe(true)
      expect(chinaMonth(start)).toBe(chinaMonth(ms))
      expect(chinaMonth(end)).not.toBe(chinaMonth(ms))
    }),
    { numRuns: 500 },
  )
})

it('lists every China day a range touches', () => {
  const from = Date.UTC(2026, 10, 29, 16) // 2026-11-30 00:00 China
  expect(daysInRange(from, from + 2 * 86_400_000)).toEqual(['2026-11-30', '2026-12-01'])
  expect(daysInRange(from - 1, from + 1)).toEqual(['2026-11-29', '2026-11-30'])
})
