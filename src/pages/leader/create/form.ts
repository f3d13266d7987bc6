import dayjs from 'dayjs'
import { checkWithSchema, parseTiers, toInt, toMs, yuanToFen } from '@/components/form-fields'
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
    pickupDate: '',
    pickupStart: '',
    pickupEnd: '',
    tiers: '',
  }
}

/** The date pickers start today: nothing earlier can be chosen (a wheel from 1970 is no help). */
export function todayDate(now: number): string {
  return dayjs(now).format('YYYY-MM-DD')
}

/** 今晚 20:00 截团 (tomorrow 20:00 once tonight's has passed). */
export function presetCloseTonight(now: number): Pick<CreateForm, 'endDate' | 'endTime'> {
  const tonight = dayjs(now).hour(20).minute(0).second(0).millisecond(0)
  const end = tonight.valueOf() > now ? tonight : tonight.add(1, 'day')
  return { endDate: end.format('YYYY-MM-DD'), endTime: '20:00' }
}

/** 明日 16:00–20:00 提货. */
export function presetPickupTomorrow(now: number): Pick<CreateForm, 'pickupDate' | 'pickupStart' | 'pickupEnd'> {
  return { pickupDate: dayjs(now).add(1, 'day').format('YYYY-MM-DD'), pickupStart: '16:00', pickupEnd: '20:00' }
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
