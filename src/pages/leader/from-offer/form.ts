import { checkWithSchema, fenToYuanText, parseTiers, toInt, toMs, yuanToFen } from '@/components/form-fields'
import { formatFen } from '@/components/format'
import { groupBuyContract } from '@/shared/contracts/group-buy'
import type { OpenOfferView } from '@/shared/contracts/supply'
import { DAY_MS, formatChina } from '@/shared/domain/calendar'
import type { EndPreset } from '@/shared/domain/time-presets'
import type { FromOfferInput } from '@/stores/supply'

export interface FromOfferForm {
  price: string
  stock: string
  minParticipants: string
  limitPerUser: string
  startDate: string
  startTime: string
  endDate: string
  endTime: string
  /** 阶梯价 beyond the first tier, as "件数:单价" pairs; empty = one price. */
  tiers: string
}

export const FROM_OFFER_LABELS: Record<string, string> = {
  priceFen: '团购价',
  stock: '认领数量',
  minParticipants: '成团人数',
  limitPerUser: '每人限购',
  startAt: '开始时间',
  endAt: '结束时间',
  priceTiers: '阶梯价',
}

/** Starts now, ends when the offer does (or in 2 days, whichever is sooner); priced at the top of the range. */
export function defaultFromOfferForm(offer: OpenOfferView, now: number): FromOfferForm {
  const start = Math.max(now, offer.startAt)
  const end = Math.min(offer.endAt, start + 2 * DAY_MS)
  return {
    price: fenToYuanText(offer.maxPriceFen),
    stock: String(Math.min(50, offer.stockLeft)),
    minParticipants: '5',
    limitPerUser: '5',
    startDate: formatChina(start, 'YYYY-MM-DD'),
    startTime: formatChina(start, 'HH:mm'),
    endDate: formatChina(end, 'YYYY-MM-DD'),
    endTime: formatChina(end, 'HH:mm'),
    tiers: '',
  }
}

/** A 截团 preset as the end; presets after the offer's own end are not offered (see the page). */
export function applyEndPreset(p: EndPreset): Pick<FromOfferForm, 'endDate' | 'endTime'> {
  return { endDate: formatChina(p.endAt, 'YYYY-MM-DD'), endTime: formatChina(p.endAt, 'HH:mm') }
}

export function toFromOfferInput(form: FromOfferForm, offerId: string): FromOfferInput {
  return {
    offerId,
    priceFen: yuanToFen(form.price),
    stock: toInt(form.stock),
    minParticipants: toInt(form.minParticipants),
    limitPerUser: toInt(form.limitPerUser),
    startAt: toMs(form.startDate, form.startTime),
    endAt: toMs(form.endDate, form.endTime),
    ...(form.tiers.trim() ? { priceTiers: parseTiers(form.tiers, yuanToFen(form.price)) } : {}),
  }
}

/** The schema's rules, then the offer's: a price inside its range, no more than it has left, inside its window. */
export function validateFromOffer(input: FromOfferInput, offer: OpenOfferView) {
  const res = checkWithSchema(groupBuyContract.createFromOffer, input, FROM_OFFER_LABELS, ['priceFen'])
  const errors: Record<string, string> = res.ok ? {} : { ...res.errors }
  if (!errors.priceFen && (input.priceFen < offer.lowestPriceFen || input.priceFen > offer.maxPriceFen)) {
    errors.priceFen = `团购价需在 ${formatFen(offer.lowestPriceFen)}–${formatFen(offer.maxPriceFen)} 之间`
  }
  // Every tier is a selling price: the lowest must stay inside what the offer allows (the server checks the split's rule too).
  const lowest = input.priceTiers?.[input.priceTiers.length - 1]?.priceFen
  if (!errors.priceTiers && lowest !== undefined && lowest < offer.lowestPriceFen) errors.priceTiers = `最低一档需不低于 ${formatFen(offer.lowestPriceFen)}`
  if (!errors.stock && input.stock > offer.stockLeft) errors.stock = `货源只剩 ${offer.stockLeft}${offer.product.unit}`
  if (!errors.endAt && input.endAt !== undefined && input.endAt > offer.endAt) errors.endAt = '结束时间不能晚于货源截止时间'
  if (Object.keys(errors).length > 0) return { ok: false as const, errors }
  return res
}

/** What the leader earns if everything claimed sells at this price. */
export function expectedCommissionFen(priceFen: number, stock: number, commissionBp: number): number {
  if (!Number.isFinite(priceFen) || !Number.isFinite(stock)) return 0
  return Math.floor((priceFen * commissionBp) / 10_000) * stock
}
