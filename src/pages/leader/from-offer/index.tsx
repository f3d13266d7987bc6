import { Button, Text, View } from '@tarojs/components'
import Taro, { useLoad, useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { friendlyMessage } from '@/components/error-copy'
import Field from '@/components/Field'
import { yuanToFen, toInt } from '@/components/form-fields'
import { formatDateTime, formatFen } from '@/components/format'
import Gallery from '@/components/Gallery'
import StateView from '@/components/StateView'
import WhenPicker, { TimePresets } from '@/components/WhenPicker'
import MissingLink from '@/components/MissingLink'
import { endPresets } from '@/shared/domain/time-presets'
import { useSupplyStore } from '@/stores/supply'
import { applyEndPreset, defaultFromOfferForm, expectedCommissionFen, toFromOfferInput, validateFromOffer, type FromOfferForm } from './form'
import './index.scss'

const ERROR_OF: Record<keyof FromOfferForm, string> = {
  price: 'priceFen',
  stock: 'stock',
  minParticipants: 'minParticipants',
  limitPerUser: 'limitPerUser',
  startDate: 'startAt',
  startTime: 'startAt',
  endDate: 'endAt',
  endTime: 'endAt',
  tiers: 'priceTiers',
}

export default function LeaderFromOfferPage() {
  const { params } = useRouter()
  const offerId = params.offerId ?? ''
  const supply = useSupplyStore()
  const offer = supply.open.items.find((o) => o.offerId === offerId) ?? null
  const [form, setForm] = useState<FromOfferForm | null>(() => (offer ? defaultFromOfferForm(offer, Date.now()) : null))
  const [errors, setErrors] = useState<Record<string, string>>({})

  useLoad(async () => {
    if (!useSupplyStore.getState().open.items.some((o) => o.offerId === offerId)) await useSupplyStore.getState().refreshOpen()
    const found = useSupplyStore.getState().open.items.find((o) => o.offerId === offerId)
    if (found) setForm((f) => f ?? defaultFromOfferForm(found, Date.now()))
  })

  if (!offerId) return <MissingLink what='货源' />
  if (!offer || !form) {
    return (
      <View className='page'>
        <StateView loading={supply.open.loading || !supply.open.loaded} error={supply.open.error} empty emptyText='货源不存在或已结束' onRetry={() => void supply.refreshOpen()} />
      </View>
    )
  }

  const update = (key: keyof FromOfferForm, value: string) => {
    setForm((f) => (f ? { ...f, [key]: value } : f))
    // The field's old message goes as soon as it is edited; the next 开团 checks again.
    setErrors(({ [ERROR_OF[key]]: _edited, ...rest }) => rest)
  }
  const setMany = (patch: Partial<FromOfferForm>) => {
    setForm((f) => (f ? { ...f, ...patch } : f))
    const touched = new Set(Object.keys(patch).map((k) => ERROR_OF[k as keyof FromOfferForm]))
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !touched.has(k))))
  }
  // One clock reading per render: the wheels start today (China), the presets count from now and stop at the offer's end.
  const now = Date.now()
  const earn = expectedCommissionFen(yuanToFen(form.price), toInt(form.stock), offer.commissionBp)
  const submit = async () => {
    const input = toFromOfferInput(form, offerId)
    const checked = validateFromOffer(input, offer)
    if (!checked.ok) {
      setErrors(checked.errors)
      return
    }
    setErrors({})
    const id = await supply.createFromOffer(checked.value)
    if (id) {
      void Taro.showToast({ title: '开团成功', icon: 'success' })
      void Taro.redirectTo({ url: `/pages/leader/group/index?id=${id}` })
    }
  }

  return (
    <View className='page from-offer'>
      <Gallery urls={offer.product.imageUrls} placeholder={offer.product.name} />
      <View className='section'>
        <Text className='section__title'>{offer.product.name}</Text>
        <Text className='muted'>{`可售价 ${formatFen(offer.lowestPriceFen)}–${formatFen(offer.maxPriceFen)} · 佣金 ${offer.commissionBp / 100}% · 剩余 ${offer.stockLeft}${offer.product.unit} · ${formatDateTime(offer.endAt)} 截止`}</Text>
      </View>
      <View className='section'>
        <Field className='from-offer__price' label='团购价（元）' type='digit' value={form.price} error={errors.priceFen} onInput={(v) => update('price', v)} />
        <Field className='from-offer__tiers' label='阶梯价（选填，满件数:单价）' value={form.tiers} placeholder='例如 10:27, 30:25' error={errors.priceTiers} onInput={(v) => update('tiers', v)} />
        <Field className='from-offer__stock' label={`认领数量（${offer.product.unit}）`} type='number' value={form.stock} error={errors.stock} onInput={(v) => update('stock', v)} />
        <Field className='from-offer__min' label='成团人数' type='number' value={form.minParticipants} error={errors.minParticipants} onInput={(v) => update('minParticipants', v)} />
        <Field className='from-offer__limit' label='每人限购' type='number' value={form.limitPerUser} error={errors.limitPerUser} onInput={(v) => update('limitPerUser', v)} />
        <Field label='开始时间' error={errors.startAt}>
          <WhenPicker className='from-offer__start' title='开始时间' now={now} maxAt={offer.endAt} value={{ date: form.startDate, time: form.startTime }} onChange={(w) => setMany({ startDate: w.date, startTime: w.time })} />
        </Field>
        <Field label='结束时间（截团）' error={errors.endAt}>
          <WhenPicker className='from-offer__end' title='结束时间' now={now} maxAt={offer.endAt} value={{ date: form.endDate, time: form.endTime }} onChange={(w) => setMany({ endDate: w.date, endTime: w.time })} />
          <TimePresets items={endPresets(now).filter((p) => p.endAt <= offer.endAt).map((p) => ({ label: p.label, onPick: () => setMany(applyEndPreset(p)) }))} />
        </Field>
        <Text className='from-offer__earn'>{`全部售出可得佣金约 ${formatFen(earn)}`}</Text>
      </View>
      {supply.submitError && <Text className='form-error'>{friendlyMessage(supply.submitError)}</Text>}
      <View className='bottom-bar'>
        <Button className='btn-primary' loading={supply.submitting} disabled={supply.submitting} onClick={() => void submit()}>
          开团
        </Button>
      </View>
    </View>
  )
}
