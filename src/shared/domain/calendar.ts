import dayjs, { type Dayjs } from 'dayjs'
import utc from 'dayjs/plugin/utc'

dayjs.extend(utc)

/**
 * The China calendar, the one home of "what day (month, time) is it in China": residents, leaders, the ledger's
 * months, the dashboard's days, the clerk's "today", WeChat Pay's timestamps all read it here.
 *
 * China has one time zone (Asia/Shanghai) and no daylight saving, so an instant's China wall clock is the instant
 * moved by a fixed +8 h, read in UTC (dayjs's utc plugin): the same answer on any phone in any time zone, and no
 * dependence on the engine's time-zone database (dayjs's timezone plugin needs Intl with zone data, which
 * mini-program JS engines do not all carry, and formats through Intl on every call).
 */
export const CHINA_UTC_OFFSET_MINUTES = 8 * 60
/** The same offset in ms, for computations the database runs itself (the dashboard's day buckets). */
export const CHINA_OFFSET_MS = CHINA_UTC_OFFSET_MINUTES * 60_000
export const DAY_MS = 86_400_000

/** The China wall clock of an instant, as a dayjs in UTC mode (read it with format / year() / startOf …). */
function wallClock(ms: number): Dayjs {
  return dayjs.utc(ms + CHINA_OFFSET_MS)
}

/** The instant a China wall-clock reading stands for. */
function instantOf(wall: Dayjs): number {
  return wall.valueOf() - CHINA_OFFSET_MS
}

/** An instant in China time with a dayjs format string ('YYYY-MM-DD HH:mm:ss', 'YYYYMMDDHHmmss', …). */
export function formatChina(ms: number, format: string): string {
  return wallClock(ms).format(format)
}

/** The China calendar day of an instant, 'YYYY-MM-DD'. */
export function chinaDay(ms: number): string {
  return formatChina(ms, 'YYYY-MM-DD')
}

/** The China calendar day as 'YYYYMMDD' (a compact key: the leader's 催取 is once per group buy per day). */
export function chinaDayKey(ms: number): string {
  return formatChina(ms, 'YYYYMMDD')
}

/** The China calendar month of an instant, 'YYYY-MM' (the ledger's months, tiers and statements). */
export function chinaMonth(ms: number): string {
  return formatChina(ms, 'YYYY-MM')
}

/** Midnight in China of the day an instant falls in: "today" for the clerk, the end of a dashboard range. */
export function chinaMidnight(ms: number): number {
  return instantOf(wallClock(ms).startOf('day'))
}

/** [start, end) of a 'YYYY-MM' China month in epoch ms. */
export function chinaMonthRange(month: string): { start: number; end: number } {
  const first = dayjs.utc(`${month}-01`)
  return { start: instantOf(first), end: instantOf(first.add(1, 'month')) }
}

/** The day number (whole China days since 1970-01-01) the dashboard's aggregation groups by. */
export function chinaDayNumber(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS)
}

/** The 'YYYY-MM-DD' of a China day number. */
export function dayNumberToDay(n: number): string {
  return dayjs.utc(n * DAY_MS).format('YYYY-MM-DD')
}

/** Every China day touched by [from, to), in order. */
export function daysInRange(from: number, to: number): string[] {
  const out: string[] = []
  for (let n = chinaDayNumber(from); n <= chinaDayNumber(to - 1); n++) out.push(dayNumberToDay(n))
  return out
}

/**
 * The instant a China wall-clock date ('YYYY-MM-DD') and time ('HH:mm') stand for, NaN unless both are real:
 * what a leader or merchant picks on a form is China time, whatever time zone the phone is set to.
 */
export function chinaWallToMs(date: string, time: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return Number.NaN
  const wall = dayjs.utc(`${date}T${time}:00Z`)
  if (!wall.isValid() || wall.format('YYYY-MM-DD HH:mm') !== `${date} ${time}`) return Number.NaN
  return instantOf(wall)
}

/** The instant of `hh:mm` China time on the China day `days` after the one `ms` falls in. */
export function chinaAt(ms: number, days: number, hour: number, minute = 0): number {
  return chinaMidnight(ms) + days * DAY_MS + (hour * 60 + minute) * 60_000
}

/** The instant of a China wall-clock reading 'YYYY-MM-DD' + 'HH:mm' (NaN when it is not one): forms that take China times. */
export function chinaInstant(day: string, hm: string): number {
  return chinaWallToMs(day, hm)
}
