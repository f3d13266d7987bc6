import { formatChina } from '@/shared/domain/calendar'

/** Money is integer fen everywhere; only here does it become yuan text. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(Math.round(fen))
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** 跟团号 as shown: "#12", or "—" for an order without one (not paid yet: it is numbered when its payment is counted). */
export function formatSeq(seq: number | null | undefined): string {
  return typeof seq === 'number' ? `#${seq}` : '—'
}

/** Times read in China time on every phone, as they are entered (the shared calendar). */
export function formatTime(ms: number): string {
  return formatChina(ms, 'MM-DD HH:mm')
}

/** A day (a rating's: others see when, to the day). */
export function formatDay(ms: number): string {
  return formatChina(ms, 'MM-DD')
}

export function formatDateTime(ms: number): string {
  return formatChina(ms, 'YYYY-MM-DD HH:mm')
}

/** "2天 03:04:05" / "03:04:05"; never negative. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const days = Math.floor(total / 86400)
  const pad = (n: number) => String(n).padStart(2, '0')
  const hms = `${pad(Math.floor((total % 86400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`
  return days > 0 ? `${days}天 ${hms}` : hms
}
