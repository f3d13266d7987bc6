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
    tiers: '',
  }
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
    ...(form.tiers.trim() ? { priceTiers: parseTiers(form.tiers, yuanToFen(form.price)) } : {}),
  }
}

/** Validate with the very schema the cloud function uses; messages in Chinese, one per field. */
export function validateCreate(input: CreateGroupBuyInput): { ok: true; value: CreateGroupBuyInput } | { ok: false; errors: FormErrors } {
  return checkWithSchema(groupBuyContract.create, input, FIELD_LABEL)
}
