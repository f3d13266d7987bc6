/**
 * 收货人 (the contact for fulfilment, as 快团团 calls it): a 称呼, optionally a phone number and a 门牌/备注.
 * The rules are here; the phone itself is stored sealed (server/privacy/phone.ts) and only its last four digits
 * ever reach a leader's or clerk's screen.
 */
export const CONTACT_NAME_MAX = 12
export const CONTACT_NOTE_MAX = 20
/** A mainland mobile number, digits only (spaces and dashes are stripped before checking). */
export const CONTACT_PHONE_PATTERN = /^1\d{10}$/
/** How many trailing digits staff see and search by (尾号). */
export const PHONE_TAIL_LENGTH = 4
export const PHONE_TAIL_PATTERN = /^\d{4}$/

export function normalizePhone(raw: string): string {
  return raw.replace(/[\s-]/g, '')
}

export function phoneTailOf(phone: string): string {
  return phone.slice(-PHONE_TAIL_LENGTH)
}

/** What the leader and clerks of the resident's pickup point see beside the 跟团号 (never the whole number). */
export interface StaffContactView {
  name: string
  /** Last 4 digits, or null when the resident gave no phone. */
  phoneTail: string | null
  note: string | null
}

/** One line for a list or a CSV cell: 王阿姨 · 尾号5678 · 3-201. */
export function contactLine(c: StaffContactView | null | undefined): string {
  if (!c) return ''
  return [c.name, c.phoneTail ? `尾号${c.phoneTail}` : null, c.note].filter(Boolean).join(' · ')
}
