import { chinaWallToMs, DAY_MS, formatChina } from '@/shared/domain/calendar'

/** A date and time as the forms hold them: China wall clock, 'YYYY-MM-DD' and 'HH:mm' ('' = not chosen). */
export interface Wall {
  date: string
  time: string
}

/** An instant as a form's China date and time. */
export function wallOf(ms: number): Wall {
  return { date: formatChina(ms, 'YYYY-MM-DD'), time: formatChina(ms, 'HH:mm') }
}

/**
 * The wheel shows China time on any phone: NutUI's DatePicker works in the phone's own clock, so a China reading
 * is handed to it as a local Date with the same fields (and read back field by field, never as an instant).
 */
export function wheelDate(w: Wall): Date {
  const [y, m, d] = w.date.split('-').map(Number)
  const [h, min] = (w.time || '00:00').split(':').map(Number)
  return new Date(y, m - 1, d, h, min)
}

/** The wheel's chosen columns (['2026', '12', '5', '20', '0'], padded or not) as a form's date and time. */
export function wallFromColumns(values: readonly (string | number | null)[], mode: 'datetime' | 'time', day: string): Wall {
  const pad = (v: string | number | null | undefined) => String(v ?? '0').padStart(2, '0')
  if (mode === 'time') return { date: day, time: `${pad(values[0])}:${pad(values[1])}` }
  return { date: `${values[0]}-${pad(values[1])}-${pad(values[2])}`, time: `${pad(values[3])}:${pad(values[4])}` }
}

/** The first and last China day the wheel offers: today, and a year on (or `maxAt`'s day if sooner). */
export function wheelRange(now: number, maxAt?: number): { start: Wall; end: Wall } {
  const last = maxAt !== undefined && Number.isFinite(maxAt) ? Math.min(maxAt, now + 366 * DAY_MS) : now + 366 * DAY_MS
  return { start: { date: formatChina(now, 'YYYY-MM-DD'), time: '00:00' }, end: { date: formatChina(last, 'YYYY-MM-DD'), time: '23:59' } }
}

/** How a chosen time reads on the form's chip: '12月06日 20:00', or just '20:00'. */
export function chipText(w: Wall, mode: 'datetime' | 'time'): string {
  if (mode === 'time') return w.time
  const ms = chinaWallToMs(w.date, w.time)
  return Number.isNaN(ms) ? `${w.date} ${w.time}` : formatChina(ms, 'MM月DD日 HH:mm')
}
