import fc from 'fast-check'
import { chinaAt, chinaDay, chinaWallToMs, formatChina } from './calendar'
import { endPresets, pickupPresets, PRESET_LEAD_MS } from './time-presets'

// 2026-12-05 10:30 in China is 02:30 UTC; the rules must not depend on the process's time zone.
const morning = Date.UTC(2026, 11, 5, 2, 30)
const china = (ms: number) => formatChina(ms, 'YYYY-MM-DD HH:mm')

describe('chinaWallToMs', () => {
  it('reads a picked date and time as China time', () => {
    expect(chinaWallToMs('2026-12-05', '20:00')).toBe(Date.UTC(2026, 11, 5, 12, 0))
    expect(chinaWallToMs('2027-01-01', '00:00')).toBe(Date.UTC(2026, 11, 31, 16, 0))
  })
  it('is NaN for anything that is not a real date and time', () => {
    for (const [d, t] of [['', '20:00'], ['2026-12-05', ''], ['2026-02-30', '10:00'], ['2026-12-05', '24:00'], ['2026-12-05', '8:00'], ['05/12/2026', '10:00']]) {
      expect(chinaWallToMs(d, t)).toBeNaN()
    }
  })
  it('round-trips every minute through formatChina', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) / 60_000 }), (minute) => {
        const ms = minute * 60_000
        expect(chinaWallToMs(formatChina(ms, 'YYYY-MM-DD'), formatChina(ms, 'HH:mm'))).toBe(ms)
      }),
      { numRuns: 1000 },
    )
  })
})

describe('截团 presets', () => {
  it('offers tonight, tomorrow night and the night after at 20:00 China time', () => {
    expect(endPresets(morning).map((p) => [p.label, china(p.endAt)])).toEqual([
      ['今晚 20:00 截团', '2026-12-05 20:00'],
      ['明晚 20:00 截团', '2026-12-06 20:00'],
      ['后天 20:00 截团', '2026-12-07 20:00'],
    ])
  })
  it('drops tonight once it is less than half an hour away, and across China midnight counts China days', () => {
    expect(endPresets(chinaAt(morning, 0, 19, 31)).map((p) => p.label)).toEqual(['明晚 20:00 截团', '后天 20:00 截团'])
    // 23:30 China on the 5th is 15:30 UTC, still the 5th in UTC too; 00:30 China on the 6th is 16:30 UTC on the 5th.
    const justAfterMidnight = Date.UTC(2026, 11, 5, 16, 30)
    expect(chinaDay(justAfterMidnight)).toBe('2026-12-06')
    expect(china(endPresets(justAfterMidnight)[0].endAt)).toBe('2026-12-06 20:00')
  })
  it('never offers a time less than the lead ahead, at any instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }), (now) => {
        const ends = endPresets(now)
        expect(ends.length).toBeGreaterThanOrEqual(2)
        for (const p of ends) {
          expect(p.endAt - now).toBeGreaterThanOrEqual(PRESET_LEAD_MS)
          expect(formatChina(p.endAt, 'HH:mm')).toBe('20:00')
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('提货 presets', () => {
  it('offers today, tomorrow and the day after, 16:00–20:00 China time', () => {
    expect(pickupPresets(morning).map((p) => [p.label, china(p.startAt), china(p.endAt)])).toEqual([
      ['今日 16:00–20:00 提货', '2026-12-05 16:00', '2026-12-05 20:00'],
      ['明日 16:00–20:00 提货', '2026-12-06 16:00', '2026-12-06 20:00'],
      ['后天 16:00–20:00 提货', '2026-12-07 16:00', '2026-12-07 20:00'],
    ])
  })
  it('offers only windows that start once the group buy has ended', () => {
    const tonight = endPresets(morning)[0].endAt
    expect(pickupPresets(morning, tonight).map((p) => p.label)).toEqual(['明日 16:00–20:00 提货', '后天 16:00–20:00 提货'])
    // An end that is not a time yet (a half-filled form) does not hide anything.
    expect(pickupPresets(morning, Number.NaN)).toHaveLength(3)
  })
})
