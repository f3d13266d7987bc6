import { parseBuildings, parseSlots, slotLine, tomorrowEveningLine } from './delivery-form'

it('reads buildings separated by spaces or commas', () => {
  expect(parseBuildings(' 1栋 2栋，10栋, 3-1 ')).toEqual(['1栋', '2栋', '10栋', '3-1'])
})

it('reads one slot a line in China time, whatever the phone’s time zone, and writes it back the same', () => {
  const parsed = parseSlots('2026-12-06 18:00-20:00\n\n2026-12-7 8:30-10:00')
  expect(parsed).toEqual({ ok: true, slots: [{ startAt: Date.UTC(2026, 11, 6, 10), endAt: Date.UTC(2026, 11, 6, 12) }, { startAt: Date.UTC(2026, 11, 7, 0, 30), endAt: Date.UTC(2026, 11, 7, 2) }] })
  if (parsed.ok) expect(parsed.slots.map(slotLine)).toEqual(['2026-12-06 18:00-20:00', '2026-12-07 08:30-10:00'])
  expect(parseSlots('明天晚上')).toEqual({ ok: false, line: '明天晚上' })
  expect(tomorrowEveningLine(Date.UTC(2026, 11, 5, 17))).toBe('2026-12-07 18:00-20:00') // 01:00 on the 6th in China
})
