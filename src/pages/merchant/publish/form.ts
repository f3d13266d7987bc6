import { checkWithSchema, fenToYuanText, percentToBp, toInt, toMs, yuanToFen } from '@/components/form-fields'
import { formatFen } from '@/components/format'
import { supplyContract, type PublishOfferInput, type SupplyOutputs } from '@/shared/contracts/supply'
import { DAY_MS, formatChina } from '@/shared/domain/calendar'
import { publishPriceFloor } from '@/shared/domain/supply'
import type { EndPreset, PickupPreset } from '@/shared/domain/time-presets'

export interface PublishForm {
  stock: string
  commission: string
  minPrice: string
  maxPrice: string
  startDate: string
  startTime: string
  endDate: string
  endTime: string
  /** A default 提货时间 for leaders' group buys (one day; all three empty = none). */
  pickupDate: string
  pickupStart: string
  pickupEnd: string
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
  pickupStartAt: '提货开始',
  pickupEndAt: '提货时间',
}

/** A fresh offer: a week long from now, sold between the supply price and the suggested price. */
export function defaultPublishForm(now: number, product?: { supplyPriceFen: number; suggestedPriceFen: number }): PublishForm {
  const end = now + 7 * DAY_MS
  return {
    stock: '100',
    commission: '10',
    minPrice: product ? fenToYuanText(product.supplyPriceFen) : '',
    maxPrice: product ? fenToYuanText(product.suggestedPriceFen) : '',
    startDate: formatChina(now, 'YYYY-MM-DD'),
    startTime: formatChina(now, 'HH:mm'),
    endDate: formatChina(end, 'YYYY-MM-DD'),
    endTime: formatChina(end, 'HH:mm'),
    pickupDate: '',
    pickupStart: '',
    pickupEnd: '',
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
    ...(form.pickupDate && form.pickupStart && form.pickupEnd
      ? { pickupStartAt: toMs(form.pickupDate, form.pickupStart), pickupEndAt: toMs(form.pickupDate, form.pickupEnd) }
      : {}),
  }
}

/** A 截团 preset as the offer's end. */
export function applyEndPreset(p: EndPreset): Pick<PublishForm, 'endDate' | 'endTime'> {
  return { endDate: formatChina(p.endAt, 'YYYY-MM-DD'), endTime: formatChina(p.endAt, 'HH:mm') }
}

/** A 提货 preset as the offer's default one-day pickup window. */
export function applyPickupPreset(p: PickupPreset): Pick<PublishForm, 'pickupDate' | 'pickupStart' | 'pickupEnd'> {
  return { pickupDate: formatChina(p.startAt, 'YYYY-MM-DD'), pickupStart: formatChina(p.startAt, 'HH:mm'), pickupEnd: formatChina(p.endAt, 'HH:mm') }
}

/** The per-order handling fee of each chosen point (every known point when the offer goes to all). */
function chosenFees(pricing: SupplyOutputs['pricing'], pointIds: readonly string[] | null, knownPointIds: readonly string[]): number[] {
  const fee = new Map(pricing.handlingFees.map((h) => [h.pickupPointId, h.handlingFeeFen]))
  const ids = pointIds ?? (knownPointIds.length ? knownPointIds : [...fee.keys(), ''])
  return ids.map((id) => fee.get(id) ?? 0)
}

/**
 * The hint under the price range, before submit: the lowest price leaders can open at, by the server's own rule
 * (`publishPriceFloor`), and in one sentence why it is above the minimum typed. null while the terms are not
 * numbers yet (the form's own messages cover that).
 */
export function priceHint(
  form: PublishForm,
  supplyPriceFen: number,
  pricing: SupplyOutputs['pricing'] | null,
  knownPointIds: readonly string[],
): { lowestFen: number | null; text: string; blocked: boolean } | null {
  const commissionBp = percentToBp(form.commission)
  const minPriceFen = yuanToFen(form.minPrice)
  const maxPriceFen = yuanToFen(form.maxPrice)
  if (!pricing || [commissionBp, minPriceFen, maxPriceFen].some((n) => !Number.isFinite(n)) || maxPriceFen < minPriceFen) return null
  if (form.pickupPointIds !== null && form.pickupPointIds.length === 0) return null
  const floor = publishPriceFloor({ minPriceFen, maxPriceFen, supplyPriceFen, commissionBp }, pricing.maxTierBonusBp, chosenFees(pricing, form.pickupPointIds, knownPointIds))
  const fee = floor.maxHandlingFeeFen
  const cuts = `团长佣金 ${commissionBp / 100}%${pricing.maxTierBonusBp > 0 ? `、月销奖励最高 ${pricing.maxTierBonusBp / 100}%` : ''}${fee > 0 ? ` 和自提点每单手续费 ${formatFen(fee)}` : ''}`
  if (floor.lowestFen === null) {
    return { lowestFen: null, blocked: true, text: `按这个价格区间团长无法开团：售价先付${cuts}，剩下的不够付供货价 ${formatFen(supplyPriceFen)}，请提高最高售价或降低佣金。` }
  }
  const lowest = floor.everywhereFen ?? floor.lowestFen
  const somewhere = floor.everywhereFen === null ? '（部分自提点）' : floor.lowestFen < lowest ? `（部分自提点 ${formatFen(floor.lowestFen)} 起）` : ''
  if (lowest <= minPriceFen) return { lowestFen: lowest, blocked: false, text: `团长最低可按 ${formatFen(lowest)} 开团${somewhere}。` }
  return {
    lowestFen: lowest,
    blocked: false,
    text: `团长最低可按 ${formatFen(lowest)} 开团${somewhere}，高于你填的最低售价 ${formatFen(minPriceFen)}：售价要先付${cuts}，剩下的才够付供货价 ${formatFen(supplyPriceFen)}。`,
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
