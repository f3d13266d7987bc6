import dayjs from 'dayjs'
import { checkWithSchema, fenToYuanText, percentToBp, toInt, toMs, yuanToFen } from '@/components/form-fields'
import { formatFen } from '@/components/format'
import { supplyContract, type PublishOfferInput } from '@/shared/contracts/supply'

export interface PublishForm {
  stock: string
  commission: string
  minPrice: string
  maxPrice: string
  startDate: string
  startTime: string
  endDate: string
  endTime: string
  /** null = every pickup point. */
  pickupPointIds: string[] | null
}

export const PUBLISH_LABELS: Record<string, string> = {
  stock: '供货库存',
  commissionBp: '团长佣金',
  minPriceFen: '最低售价',
  maxPriceFen: '最高售价',
  startAt: '开始时间',
  endAt: '结束时间',
  pickupPointIds: '自提点',
}

/** A fresh offer: a week long from now, sold between the supply price and the suggested price. */
export function defaultPublishForm(now: number, product?: { supplyPriceFen: number; suggestedPriceFen: number }): PublishForm {
  const start = dayjs(now)
  const end = start.add(7, 'day')
  return {
    stock: '100',
    commission: '10',
    minPrice: product ? fenToYuanText(product.supplyPriceFen) : '',
    maxPrice: product ? fenToYuanText(product.suggestedPriceFen) : '',
    startDate: start.format('YYYY-MM-DD'),
    startTime: start.format('HH:mm'),
    endDate: end.format('YYYY-MM-DD'),
    endTime: end.format('HH:mm'),
    pickupPointIds: null,
  }
}

export function toPublishInput(form: PublishForm, productId: string): PublishOfferInput {
  return {
    productId,
    stock: toInt(form.stock),
    commissionBp: percentToBp(form.commission),
    minPriceFen: yuanToFen(form.minPrice),
    maxPriceFen: yuanToFen(form.maxPrice),
    startAt: toMs(form.startDate, form.startTime),
    endAt: toMs(form.endDate, form.endTime),
    ...(form.pickupPointIds ? { pickupPointIds: form.pickupPointIds } : {}),
  }
}

/** The schema's rules, then the product's: leaders never sell below what they pay the merchant. */
export function validatePublish(input: PublishOfferInput, supplyPriceFen: number) {
  const res = checkWithSchema(supplyContract.publish, input, PUBLISH_LABELS, ['minPriceFen', 'maxPriceFen'])
  const errors: Record<string, string> = res.ok ? {} : { ...res.errors }
  if (errors.commissionBp) errors.commissionBp = '团长佣金填 0–50 之间的百分比'
  if (errors.pickupPointIds) errors.pickupPointIds = '至少选择一个自提点'
  if (!errors.minPriceFen && input.minPriceFen < supplyPriceFen) errors.minPriceFen = `最低售价不能低于供货价 ${formatFen(supplyPriceFen)}`
  if (Object.keys(errors).length > 0) return { ok: false as const, errors }
  return res
}
