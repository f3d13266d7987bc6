import { checkWithSchema, toInt, toMs, yuanToFen } from '@/components/form-fields'
import { chinaDay, DAY_MS } from '@/shared/domain/calendar'
import { couponContract, type CreateCampaignInput } from '@/shared/contracts/coupon'

export interface CampaignForm {
  title: string
  value: string
  price: string
  total: string
  limitPerUser: string
  fromDate: string
  toDate: string
  pickupPointIds: string[]
}

export const CAMPAIGN_LABELS: Record<string, string> = {
  title: '券名称',
  valueFen: '面值',
  priceFen: '售价',
  total: '发放总量',
  limitPerUser: '每人限领',
  validFrom: '生效日期',
  validTo: '截止日期',
  pickupPointIds: '可用自提点',
}

export function defaultCampaignForm(now: number): CampaignForm {
  return {
    title: '',
    value: '',
    price: '0',
    total: '100',
    limitPerUser: '1',
    fromDate: chinaDay(now),
    toDate: chinaDay(now + 14 * DAY_MS),
    pickupPointIds: [],
  }
}

/** Valid from the start of the first day (or now, if that is today) to the end of the last. */
export function toCampaignInput(form: CampaignForm, now: number): CreateCampaignInput {
  const from = toMs(form.fromDate, '00:00')
  return {
    title: form.title.trim(),
    valueFen: yuanToFen(form.value),
    priceFen: form.price.trim() === '' ? 0 : yuanToFen(form.price),
    total: toInt(form.total),
    limitPerUser: toInt(form.limitPerUser),
    validFrom: Number.isNaN(from) ? from : Math.max(from, now - 60_000),
    validTo: toMs(form.toDate, '23:59'),
    pickupPointIds: form.pickupPointIds,
  }
}

export function validateCampaign(input: CreateCampaignInput) {
  const res = checkWithSchema(couponContract.createCampaign, input, CAMPAIGN_LABELS, ['valueFen', 'priceFen'])
  if (!res.ok && res.errors.pickupPointIds && input.pickupPointIds.length === 0) res.errors.pickupPointIds = '至少选择一个自提点'
  return res
}
