import type { ZodIssue, ZodTypeAny } from 'zod'
import { chinaWallToMs } from '@/shared/domain/calendar'

/** "12.5" -> 1250. Anything that is not a yuan amount with at most 2 decimals becomes NaN (schema rejects it). */
export function yuanToFen(text: string): number {
  const t = text.trim()
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return Number.NaN
  const [yuan, dec = ''] = t.split('.')
  return Number(yuan) * 100 + Number(dec.padEnd(2, '0'))
}

/** 1250 -> "12.5" (for editing a stored price; no ¥ sign, no trailing zeros). */
export function fenToYuanText(fen: number): string {
  const yuan = Math.floor(fen / 100)
  const dec = String(fen % 100).padStart(2, '0').replace(/0+$/, '')
  return dec ? `${yuan}.${dec}` : String(yuan)
}

export function toInt(text: string): number {
  const t = text.trim()
  return /^\d+$/.test(t) ? Number(t) : Number.NaN
}

/** A picked "YYYY-MM-DD" and "HH:mm", China time (the shared calendar), as epoch ms (NaN if either is not a date). */
export function toMs(date: string, time: string): number {
  return chinaWallToMs(date, time)
}

/** Percent text ("12.5") as basis points (1250); NaN unless 0–100 with at most 2 decimals. */
export function percentToBp(text: string): number {
  const t = text.trim()
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return Number.NaN
  const [whole, dec = ''] = t.split('.')
  return Number(whole) * 100 + Number(dec.padEnd(2, '0'))
}

function describe(issue: ZodIssue, label: string, moneyFields: ReadonlySet<string>, field: string): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'nan' || issue.received === 'undefined' ? `请填写${label}` : `${label}格式不对`
    case 'too_small':
      if (issue.type === 'string') return `请填写${label}`
      if (issue.type === 'array') return issue.message && /[\u4e00-\u9fa5]/.test(issue.message) ? issue.message : `请添加${label}`
      if (moneyFields.has(field)) return `${label}不能低于 ¥${fenToYuanText(Number(issue.minimum))}`
      return `${label}不能小于 ${issue.minimum}`
    case 'too_big':
      if (issue.type === 'string') return `${label}最多 ${issue.maximum} 个字`
      if (issue.type === 'array') return issue.message && /[\u4e00-\u9fa5]/.test(issue.message) ? issue.message : `${label}最多 ${issue.maximum} 个`
      if (moneyFields.has(field)) return `${label}不能高于 ¥${fenToYuanText(Number(issue.maximum))}`
      return `${label}不能大于 ${issue.maximum}`
    case 'custom':
      return issue.message
    default:
      return `${label}格式不对`
  }
}

/**
 * Validate with the very schema the cloud function uses; one Chinese message per field (the schema's own
 * message where it has one in Chinese, e.g. 建议零售价不能低于供货价).
 */
export function checkWithSchema<S extends ZodTypeAny>(
  schema: S,
  input: unknown,
  labels: Record<string, string>,
  moneyFields: readonly string[] = [],
): { ok: true; value: S['_output'] } | { ok: false; errors: Record<string, string> } {
  const parsed = schema.safeParse(input)
  if (parsed.success) return { ok: true, value: parsed.data }
  const money = new Set(moneyFields)
  const errors: Record<string, string> = {}
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form')
    if (errors[field]) continue
    errors[field] = describe(issue, labels[field] ?? '', money, field)
  }
  return { ok: false, errors }
}

/**
 * "10:27, 30:25" → the tier table (the first tier is 1 unit at the group buy's price). Unreadable pairs become
 * NaN, which the contract's schema then refuses with the tier rule's message.
 */
export function parseTiers(text: string, priceFen: number): { minQuantity: number; priceFen: number }[] | undefined {
  const pairs = text.split(/[,，;；\s]+/).map((p) => p.trim()).filter(Boolean)
  if (pairs.length === 0) return undefined
  return [
    { minQuantity: 1, priceFen },
    ...pairs.map((p) => {
      const [q, price] = p.split(/[:：]/)
      return { minQuantity: toInt(q ?? ''), priceFen: yuanToFen(price ?? '') }
    }),
  ]
}
