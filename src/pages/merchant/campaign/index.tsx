import { Button, Picker, Text, View } from '@tarojs/components'
import Taro, { useLoad } from '@tarojs/taro'
import { useState } from 'react'
import { friendlyMessage } from '@/components/error-copy'
import Field from '@/components/Field'
import StateView from '@/components/StateView'
import { chinaDay } from '@/shared/domain/calendar'
import { useMerchantStore } from '@/stores/merchant'
import { useSessionStore } from '@/stores/session'
import { defaultCampaignForm, toCampaignInput, validateCampaign, type CampaignForm } from './form'
import '../publish/index.scss'

export default function MerchantCampaignPage() {
  const m = useMerchantStore()
  const points = useSessionStore((s) => s.pickupPoints)
  const pointsLoading = useSessionStore((s) => s.pickupPointsLoading)
  const pointsError = useSessionStore((s) => s.pickupPointsError)
  const [form, setForm] = useState<CampaignForm>(() => defaultCampaignForm(Date.now()))
  const [errors, setErrors] = useState<Record<string, string>>({})
  useLoad(() => {
    m.clearSaveError()
    if (useSessionStore.getState().pickupPoints.length === 0) void useSessionStore.getState().loadPickupPoints()
  })
  const update = <K extends keyof CampaignForm>(key: K, value: CampaignForm[K]) => setForm((f) => ({ ...f, [key]: value }))
  const toggle = (id: string) =>
    update('pickupPointIds', form.pickupPointIds.includes(id) ? form.pickupPointIds.filter((p) => p !== id) : [...form.pickupPointIds, id])

  const submit = async () => {
    const checked = validateCampaign(toCampaignInput(form, Date.now()))
    if (!checked.ok) {
      setErrors(checked.errors)
      return
    }
    setErrors({})
    if (await m.createCampaign(checked.value)) {
      void Taro.showToast({ title: '优惠券已创建', icon: 'success' })
      void Taro.navigateBack()
    }
  }

  return (
    <View className='page'>
      <View className='section'>
        <Field label='券名称' value={form.title} error={errors.title} onInput={(v) => update('title', v)} placeholder='例如：满 30 减 5 元券' />
        <Field label='面值（元）' type='digit' value={form.value} error={errors.valueFen} onInput={(v) => update('value', v)} placeholder='到店抵扣的金额' />
        <Field label='售价（元，0 为免费领）' type='digit' value={form.price} error={errors.priceFen} onInput={(v) => update('price', v)} />
        <Field label='发放总量' type='number' value={form.total} error={errors.total} onInput={(v) => update('total', v)} />
        <Field label='每人限领' type='number' value={form.limitPerUser} error={errors.limitPerUser} onInput={(v) => update('limitPerUser', v)} />
        <Field label='生效日期' error={errors.validFrom}>
          <Picker mode='date' start={chinaDay(Date.now())} value={form.fromDate} onChange={(e) => update('fromDate', String(e.detail.value))}>
            <Text className='publish__pick'>{form.fromDate}</Text>
          </Picker>
        </Field>
        <Field label='截止日期（当天 23:59）' error={errors.validTo}>
          <Picker mode='date' start={chinaDay(Date.now())} value={form.toDate} onChange={(e) => update('toDate', String(e.detail.value))}>
            <Text className='publish__pick'>{form.toDate}</Text>
          </Picker>
        </Field>
      </View>
      <View className='section'>
        <Text className='section__title'>可用自提点</Text>
        <StateView loading={pointsLoading} error={pointsError} empty={points.length === 0} emptyText='还没有自提点' onRetry={() => void useSessionStore.getState().loadPickupPoints()}>
        {points.map((p) => (
          <View key={p.pickupPointId} className='row publish__point' onClick={() => toggle(p.pickupPointId)}>
            <Text>{`${p.name}（${p.storeName}）`}</Text>
            <Text className={form.pickupPointIds.includes(p.pickupPointId) ? 'publish__check publish__check--on' : 'publish__check'}>
              {form.pickupPointIds.includes(p.pickupPointId) ? '✓' : ''}
            </Text>
          </View>
        ))}
        </StateView>
        {errors.pickupPointIds && <Text className='form-field__error'>{errors.pickupPointIds}</Text>}
      </View>
      {m.saveError && <Text className='form-error'>{friendlyMessage(m.saveError)}</Text>}
      <View className='bottom-bar'>
        <Button className='btn-primary' loading={m.saving} disabled={m.saving} onClick={() => void submit()}>
          创建优惠券
        </Button>
      </View>
    </View>
  )
}
