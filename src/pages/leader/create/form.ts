import dayjs from 'dayjs'
import type { ZodIssue } from 'zod'
import { groupBuyContract, type CreateGroupBuyInput } from '@/shared/contracts/group-buy'

/** What the leader types: every field is text until it is parsed. */
export interface CreateForm {
  title: string
  description: string
  unit: string
  price: string
  originalPrice: string
  stock: string
  minParticipants: string
  limitPerUser: string
  startDate: string
  startTime: string
  endDate: string
  endTime: string
}

export type FormErrors = Partial<Record<keyof CreateGroupBuyInput | 'form', string>>

export const FIELD_LABEL: Record<string, string> = {
  title: '商品名称',
  description: '商品描述',
  unit: '单位',
  priceFen: '团购价',
  originalPriceFen: '原价',
  stock: '库存',
  minParticipants: '成团人数',
  limitPerUser: '每人限购',
  startAt: '开始时间',
  endAt: '结束时间',
  pickupPointId: '自提点',
}

export function defaultForm(now: number): CreateForm {
  const start = dayjs(now)
  const end = start.add(1, 'day')
  return {
    title: '',
    description: '',
    unit: '份',
    price: '',
    originalPrice: '',
    stock: '100',
    minParticipants: '10',
    limitPerUser: '5',
    startDate: start.format('YYYY-MM-DD'),
    startTime: start.format('HH:mm'),
    endDate: end.format('YYYY-MM-DD'),
    endTime: end.format('HH:mm'),
  }
}

/** "12.5" -> 1250. Anything that is not a yuan amount with at most 2 decimals becomes NaN (schema rejects it). */
export function yuanToFen(text: string): number {
  const t = text.trim()
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return Number.NaN
  const [yuan, dec = ''] = t.split('.')
  return Number(yuan) * 100 + Number(dec.padEnd(2, '0'))
}

function toInt(text: string): number {
  const t = text.trim()
  return /^\d+$/.test(t) ? Number(t) : Number.NaN
}

function toMs(date: string, time: string): number {
  const d = dayjs(`${date}T${time}`)
  return d.isValid() ? d.valueOf() : Number.NaN
}

export function toInput(form: CreateForm, pickupPointId: string): CreateGroupBuyInput {
  return {
    title: form.title.trim(),
    ...(form.description.trim() ? { description: form.description.trim() } : {}),
    ...(form.unit.trim() ? { unit: form.unit.trim() } : {}),
    priceFen: yuanToFen(form.price),
    ...(form.originalPrice.trim() ? { originalPriceFen: yuanToFen(form.originalPrice) } : {}),
    stock: toInt(form.stock),
    minParticipants: toInt(form.minParticipants),
    limitPerUser: toInt(form.limitPerUser),
    startAt: toMs(form.startDate, form.startTime),
    endAt: toMs(form.endDate, form.endTime),
    pickupPointId,
  }
}

function describe(issue: ZodIssue, label: string): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'nan' || issue.received === 'undefined' ? `请填写${label}` : `${label}格式不对`
    case 'too_small':
      if (issue.type === 'string') return `请填写${label}`
      return `${label}不能小于 ${issue.minimum}`
    case 'too_big':
      if (issue.type === 'string') return `${label}最多 ${issue.maximum} 个字`
      return `${label}不能大于 ${issue.maximum}`
    case 'custom':
      return issue.message
    default:
      return `${label}格式不对`
  }
}

/** Validate with the very schema the cloud function uses; messages in Chinese, one per field. */
export function validateCreate(input: CreateGroupBuyInput): { ok: true; value: CreateGroupBuyInput } | { ok: false; errors: FormErrors } {
  const parsed = groupBuyContract.create.safeParse(input)
  if (parsed.success) return { ok: true, value: parsed.data }
  const errors: FormErrors = {}
  for (const issue of parsed.error.issues) {
    const field = (issue.path[0] as keyof CreateGroupBuyInput | undefined) ?? 'form'
    if (errors[field]) continue
    // Number fields: zod reports NaN as invalid_type with received 'nan'.
    errors[field] = describe(issue, FIELD_LABEL[field] ?? '')
  }
  return { ok: false, errors }
}
