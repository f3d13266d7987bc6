import { checkWithSchema, parseTiers, toInt, toMs, yuanToFen } from '@/components/form-fields'
import { groupBuyContract, type CreateGroupBuyInput } from '@/shared/contracts/group-buy'
import { DAY_MS, formatChina } from '@/shared/domain/calendar'
import type { EndPreset, PickupPreset } from '@/shared/domain/time-presets'

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
  /** 提货时间 on one day (all three empty = none given). */
  pickupDate: string
  pickupStart: string
  pickupEnd: string
  /** 阶梯价 beyond the first tier, as "件数:单价" pairs, e.g. "10:27, 30:25"; empty = one price. */
  tiers: string
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
  pickupStartAt: '提货开始',
  pickupEndAt: '提货时间',
  priceTiers: '阶梯价',
}

export function defaultForm(now: number): CreateForm {
  const end = now + DAY_MS
  return {
    title: '',
    description: '',
    unit: '份',
    price: '',
    originalPrice: '',
    stock: '100',
    minParticipants: '10',
    limitPerUser: '5',
    startDate: formatChina(now, 'YYYY-MM-DD'),
    startTime: formatChina(now, 'HH:mm'),
    endDate: formatChina(end, 'YYYY-MM-DD'),
    endTime: formatChina(end, 'HH:mm'),
    pickupDate: '',
    pickupStart: '',
    pickupEnd: '',
    tiers: '',
  }
}

/** A 截团 preset (今晚 20:00 截团, …; src/shared/domain/time-presets) as the form's end. */
export function applyEndPreset(p: EndPreset): Pick<CreateForm, 'endDate' | 'endTime'> {
  return { endDate: formatChina(p.endAt, 'YYYY-MM-DD'), endTime: formatChina(p.endAt, 'HH:mm') }
}

/** A 提货 preset (明日 16:00–20:00 提货, …) as the form's one-day pickup window. */
export function applyPickupPreset(p: PickupPreset): Pick<CreateForm, 'pickupDate' | 'pickupStart' | 'pickupEnd'> {
  return { pickupDate: formatChina(p.startAt, 'YYYY-MM-DD'), pickupStart: formatChina(p.startAt, 'HH:mm'), pickupEnd: formatChina(p.endAt, 'HH:mm') }
}

export { yuanToFen }

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
    ...(form.pickupDate && form.pickupStart && form.pickupEnd
      ? { pickupStartAt: toMs(form.pickupDate, form.pickupStart), pickupEndAt: toMs(form.pickupDate, form.pickupEnd) }
      : {}),
    ...(form.tiers.trim() ? { priceTiers: parseTiers(form.tiers, yuanToFen(form.price)) } : {}),
  }
}

/** Validate with the very schema the cloud function uses; messages in Chinese, one per field. */
export function validateCreate(input: CreateGroupBuyInput): { ok: true; value: CreateGroupBuyInput } | { ok: false; errors: FormErrors } {
  return checkWithSchema(groupBuyContract.create, input, FIELD_LABEL)
}
