import { Button, Text, View } from '@tarojs/components'
import Taro, { useLoad, useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { publishMessage } from '@/components/error-copy'
import Field from '@/components/Field'
import { formatDateTime, formatFen } from '@/components/format'
import { RatingBadge } from '@/components/RatingList'
import StateView from '@/components/StateView'
import WhenPicker, { TimePresets } from '@/components/WhenPicker'
import MissingLink from '@/components/MissingLink'
import { endPresets, pickupPresets } from '@/shared/domain/time-presets'
import { useMerchantStore } from '@/stores/merchant'
import { useMerchantFeedbackStore } from '@/stores/merchant-feedback'
import { useSessionStore } from '@/stores/session'
import { applyEndPreset, applyPickupPreset, defaultPublishForm, priceHint, toPublishInput, validatePublish, type PublishForm } from './form'
import './index.scss'

const ERROR_OF: Record<keyof PublishForm, string> = {
  stock: 'stock',
  commission: 'commissionBp',
  minPrice: 'minPriceFen',
  maxPrice: 'maxPriceFen',
  startDate: 'startAt',
  startTime: 'startAt',
  endDate: 'endAt',
  endTime: 'endAt',
  pickupDate: 'pickupEndAt',
  pickupStart: 'pickupEndAt',
  pickupEnd: 'pickupEndAt',
  pickupPointIds: 'pickupPointIds',
}

export default function MerchantPublishPage() {
  const { params } = useRouter()
  const productId = params.productId ?? ''
  const m = useMerchantStore()
  const points = useSessionStore((s) => s.pickupPoints)
  const [form, setForm] = useState<PublishForm>(() => defaultPublishForm(Date.now()))
  const [errors, setErrors] = useState<Record<string, string>>({})
  // The form first shows with the product's prices in it: H5's input fails (watchValue) when its value changes
  // before it has finished loading, as it did when the prices arrived a moment after an empty form.
  const [seeded, setSeeded] = useState(false)
  const product = m.editing.productId === productId ? m.editing.product : null
  const last = useMerchantFeedbackStore((s) => (s.lastRound.productId === productId ? s.lastRound : null))

  const seed = async () => {
    const p = await useMerchantStore.getState().loadProduct(productId)
    if (p) {
      setForm(defaultPublishForm(Date.now(), p))
      setSeeded(true)
    }
  }
  useLoad(async () => {
    m.clearSaveError()
    void useMerchantStore.getState().loadPricing()
    if (useSessionStore.getState().pickupPoints.length === 0) void useSessionStore.getState().loadPickupPoints()
    void useMerchantFeedbackStore.getState().loadLastRound(productId)
    await seed()
  })

  if (!productId) return <MissingLink what='商品' />
  if (!product || !seeded) {
    return (
      <View className='page'>
        <StateView loading={m.editing.loading || !!product} error={m.editing.error} empty emptyText='商品不存在' onRetry={() => void seed()} />
      </View>
    )
  }

  const update = <K extends keyof PublishForm>(key: K, value: PublishForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }))
    setErrors(({ [ERROR_OF[key]]: _edited, ...rest }) => rest)
    if (m.saveError) m.clearSaveError()
  }
  const setMany = (patch: Partial<PublishForm>) => {
    setForm((f) => ({ ...f, ...patch }))
    const touched = new Set(Object.keys(patch).map((k) => ERROR_OF[k as keyof PublishForm]))
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !touched.has(k))))
    if (m.saveError) m.clearSaveError()
  }
  // One clock reading per render: the wheels start today and the presets count from now (China time).
  const now = Date.now()
  const hint = priceHint(form, product.supplyPriceFen, m.pricing, points.map((p) => p.pickupPointId))
  const togglePoint = (id: string) => {
    const chosen = form.pickupPointIds ?? []
    update('pickupPointIds', chosen.includes(id) ? chosen.filter((p) => p !== id) : [...chosen, id])
  }
  const submit = async () => {
    const checked = validatePublish(toPublishInput(form, productId), product.supplyPriceFen)
    if (!checked.ok) {
      setErrors(checked.errors)
      return
    }
    setErrors({})
    const id = await m.publish(checked.value)
    if (id) {
      void Taro.showToast({ title: '货源已发布', icon: 'success' })
      void Taro.redirectTo({ url: `/pages/merchant/purchase-orders/index?offerId=${id}` })
    }
  }

  return (
    <View className='page publish'>
      <View className='section'>
        <Text className='section__title'>{product.name}</Text>
        <Text className='muted'>{`供货价 ${formatFen(product.supplyPriceFen)} · 建议零售价 ${formatFen(product.suggestedPriceFen)}`}</Text>
      </View>
      <View className='section publish__last'>
        <Text className='section__title'>上一轮数据 · 为这次选品和定价参考</Text>
        <StateView
          loading={!last || last.loading || !last.loaded}
          error={last?.error ?? null}
          empty={!last?.value}
          emptyText='这是该商品的第一轮货源，还没有往期数据'
          onRetry={() => void useMerchantFeedbackStore.getState().loadLastRound(productId)}
        >
          {last?.value && (
            <>
              <Text className='muted'>{`${formatDateTime(last.value.startAt)} – ${formatDateTime(last.value.endAt)} · ${last.value.groupBuys} 个团`}</Text>
              <View className='publish__last-nums'>
                <View className='publish__last-num'>
                  <Text className='publish__last-value'>{`${last.value.sold}`}</Text>
                  <Text className='muted'>{`已售（${product.unit}）`}</Text>
                </View>
                <View className='publish__last-num'>
                  <Text className='publish__last-value'>{`${last.value.shortage}`}</Text>
                  <Text className='muted'>{`缺货（${product.unit}）`}</Text>
                </View>
                <View className='publish__last-num'>
                  <RatingBadge rating={last.value.rating} />
                </View>
              </View>
              <View className='publish__last-tags'>
                <Text className='muted'>主要差评：</Text>
                {last.value.topComplaints.length === 0 ? (
                  <Text className='muted'>无</Text>
                ) : (
                  last.value.topComplaints.map((t) => <Text key={t.tag} className='tag publish__complaint'>{`${t.tag} ${t.count}`}</Text>)
                )}
              </View>
            </>
          )}
        </StateView>
      </View>
      <View className='section'>
        <Field label='供货库存' type='number' value={form.stock} error={errors.stock} onInput={(v) => update('stock', v)} placeholder='所有团长合计可认领的数量' />
        <Field label='团长佣金（%）' type='digit' value={form.commission} error={errors.commissionBp} onInput={(v) => update('commission', v)} placeholder='按团长售价计，0–50' />
        <Field label='团长最低售价（元）' type='digit' value={form.minPrice} error={errors.minPriceFen} onInput={(v) => update('minPrice', v)} />
        <Field label='团长最高售价（元）' type='digit' value={form.maxPrice} error={errors.maxPriceFen} onInput={(v) => update('maxPrice', v)} />
        {hint && <Text className={`publish__hint ${hint.blocked ? 'publish__hint--blocked' : ''}`}>{hint.text}</Text>}
        <Field label='开始时间' error={errors.startAt}>
          <WhenPicker className='publish__start' title='开始时间' now={now} value={{ date: form.startDate, time: form.startTime }} onChange={(w) => setMany({ startDate: w.date, startTime: w.time })} />
        </Field>
        <Field label='结束时间' error={errors.endAt}>
          <WhenPicker className='publish__end' title='结束时间' now={now} value={{ date: form.endDate, time: form.endTime }} onChange={(w) => setMany({ endDate: w.date, endTime: w.time })} />
          <TimePresets items={endPresets(now).map((p) => ({ label: p.label, onPick: () => setMany(applyEndPreset(p)) }))} />
        </Field>
        <Field label='默认提货时间（选填，团长可改）' error={errors.pickupEndAt}>
          <View className='publish__when'>
            <WhenPicker
              className='publish__pickup-start'
              title='提货开始'
              placeholder='开始'
              now={now}
              value={{ date: form.pickupDate, time: form.pickupStart }}
              onChange={(w) => setMany({ pickupDate: w.date, pickupStart: w.time, pickupEnd: form.pickupEnd || '20:00' })}
            />
            <Text className='publish__to'>至</Text>
            <WhenPicker
              className='publish__pickup-end'
              title='提货结束'
              mode='time'
              placeholder='结束'
              now={now}
              value={{ date: form.pickupDate, time: form.pickupEnd }}
              onChange={(w) => setMany({ pickupDate: w.date, pickupEnd: w.time })}
            />
          </View>
          <TimePresets items={pickupPresets(now).map((p) => ({ label: p.label, onPick: () => setMany(applyPickupPreset(p)) }))} />
        </Field>
      </View>
      <View className='section'>
        <Text className='section__title'>向哪些自提点供货</Text>
        <View className='publish__scope'>
          <Text className={`publish__chip ${form.pickupPointIds === null ? 'publish__chip--on' : ''}`} onClick={() => update('pickupPointIds', null)}>
            全部自提点
          </Text>
          <Text className={`publish__chip ${form.pickupPointIds !== null ? 'publish__chip--on' : ''}`} onClick={() => update('pickupPointIds', form.pickupPointIds ?? [])}>
            指定自提点
          </Text>
        </View>
        {form.pickupPointIds !== null &&
          points.map((p) => (
            <View key={p.pickupPointId} className='row publish__point' onClick={() => togglePoint(p.pickupPointId)}>
              <Text>{`${p.name}（${p.storeName}）`}</Text>
              <Text className={form.pickupPointIds?.includes(p.pickupPointId) ? 'publish__check publish__check--on' : 'publish__check'}>
                {form.pickupPointIds?.includes(p.pickupPointId) ? '✓' : ''}
              </Text>
            </View>
          ))}
        {errors.pickupPointIds && <Text className='form-field__error'>{errors.pickupPointIds}</Text>}
      </View>
      <View className='bottom-bar'>
        {/* The server's answer sits right above the button, where the merchant is looking, not below the fold. */}
        {m.saveError && <Text className='form-error publish__error'>{publishMessage(m.saveError)}</Text>}
        <Button className='btn-primary' loading={m.saving} disabled={m.saving} onClick={() => void submit()}>
          确认发布
        </Button>
      </View>
    </View>
  )
}
