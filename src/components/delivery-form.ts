import { chinaDay, chinaInstant, DAY_MS, formatChina } from '@/shared/domain/calendar'
import type { DeliverySlot } from '@/shared/domain/delivery'

/**
 * The admin's 配送设置 form as text (a phone keyboard, no pickers per slot): buildings separated by spaces or
 * commas, one slot a line as `YYYY-MM-DD HH:mm-HH:mm` in China time (as every page shows times). The server's schema checks the result.
 */
export function parseBuildings(text: string): string[] {
  return text.split(/[\s,，、]+/).map((b) => b.trim()).filter(Boolean)
}

const SLOT_LINE = /^(\d{4}-\d{1,2}-\d{1,2})\s+(\d{1,2}:\d{2})\s*[-–~至]\s*(\d{1,2}:\d{2})$/

export function parseSlots(text: string): { ok: true; slots: DeliverySlot[] } | { ok: false; line: string } {
  const slots: DeliverySlot[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!line) continue
    const m = SLOT_LINE.exec(line)
    if (!m) return { ok: false, line }
    const date = m[1].split('-').map((p, i) => (i === 0 ? p : p.padStart(2, '0'))).join('-')
    const startAt = chinaInstant(date, m[2].padStart(5, '0'))
    const endAt = chinaInstant(date, m[3].padStart(5, '0'))
    if (!Number.isFinite(startAt) || !Number.isFinite(endAt)) return { ok: false, line }
    slots.push({ startAt, endAt })
  }
  return { ok: true, slots }
}

export function slotLine(s: DeliverySlot): string {
  return `${formatChina(s.startAt, 'YYYY-MM-DD HH:mm')}-${formatChina(s.endAt, 'HH:mm')}`
}

/** Tomorrow 18:00–20:00, the usual evening round, as a line to add. */
export function tomorrowEveningLine(now: number): string {
  return `${chinaDay(now + DAY_MS)} 18:00-20:00`
}
