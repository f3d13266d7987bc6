import { chinaAt } from './calendar'

/**
 * 快捷时间: the one-tap times on every form where a group buy's (or an offer's) end or 提货时间 is entered. Pure: the
 * same `now` gives the same presets on the client and in tests; days and hours are China's (shared calendar).
 */

/** A preset is offered only while it is at least this far ahead: a 截团 in 2 minutes helps nobody. */
export const PRESET_LEAD_MS = 30 * 60_000

export interface EndPreset {
  label: string
  endAt: number
}

export interface PickupPreset {
  label: string
  startAt: number
  endAt: number
}

/** When 截团 presets fall (20:00 China, the usual evening cut-off of a community group). */
export const CLOSE_HOUR = 20
/** The usual afternoon-to-evening pickup window. */
export const PICKUP_HOURS = { start: 16, end: 20 } as const

const DAY_WORD = ['今晚', '明晚', '后天'] as const
const PICKUP_DAY_WORD = ['今日', '明日', '后天'] as const

/** 今晚 / 明晚 / 后天 20:00 截团; today's only while it is still ahead. */
export function endPresets(now: number): EndPreset[] {
  return DAY_WORD.map((word, days) => ({ label: `${word} ${CLOSE_HOUR}:00 截团`, endAt: chinaAt(now, days, CLOSE_HOUR) })).filter(
    (p) => p.endAt - now >= PRESET_LEAD_MS,
  )
}

/**
 * 今日 / 明日 / 后天 16:00–20:00 提货. A window must start after the group buy ends (the goods come after 截团):
 * given `after` (the chosen end time), windows starting before it are not offered.
 */
export function pickupPresets(now: number, after: number = now): PickupPreset[] {
  const hm = (h: number) => `${String(h).padStart(2, '0')}:00`
  return PICKUP_DAY_WORD.map((word, days) => ({
    label: `${word} ${hm(PICKUP_HOURS.start)}–${hm(PICKUP_HOURS.end)} 提货`,
    startAt: chinaAt(now, days, PICKUP_HOURS.start),
    endAt: chinaAt(now, days, PICKUP_HOURS.end),
  })).filter((p) => p.startAt - now >= PRESET_LEAD_MS && (!Number.isFinite(after) || p.startAt >= after))
}
