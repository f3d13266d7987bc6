import dayjs from 'dayjs'
import type { DeliverySlot } from '@/shared/domain/delivery'
import { toMs } from './form-fields'

/**
 * The admin's 配送设置 form as text (a phone keyboard, no pickers per slot): buildings separated by spaces or
 * commas, one slot a line as `YYYY-MM-DD HH:mm-HH:mm` (local time). The server's schema checks the result.
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
    const date = dayjs(m[1]).format('YYYY-MM-DD')
    const startAt = toMs(date, m[2].padStart(5, '0'))
    const endAt = toMs(date, m[3].padStart(5, '0'))
    if (!Number.isFinite(startAt) || !Number.isFinite(endAt)) return { ok: false, line }
    slots.push({ startAt, endAt })
  }
  return { ok: true, slots }
}

export function slotLine(s: DeliverySlot): string {
  return `${dayjs(s.startAt).format('YYYY-MM-DD HH:mm')}-${dayjs(s.endAt).format('HH:mm')}`
}

/** Tomorrow 18:00–20:00, the usual evening round, as a line to add. */
export function tomorrowEveningLine(now: number): string {
  const day = dayjs(now).add(1, 'day').format('YYYY-MM-DD')
  return `${day} 18:00-20:00`
}
