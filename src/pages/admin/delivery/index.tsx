import { Button, Text, Textarea, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { friendlyMessage } from '@/components/error-copy'
import Field from '@/components/Field'
import { fenToYuanText, yuanToFen } from '@/components/form-fields'
import { parseBuildings, parseSlots, slotLine, tomorrowEveningLine } from '@/components/delivery-form'
import { adminContract } from '@/shared/contracts/admin'
import { useDeliveryStore } from '@/stores/delivery'
import { useSessionStore } from '@/stores/session'
import '../home/index.scss'

/**
 * 配送设置 (#25): whether a pickup point's store delivers, its fee (free over a threshold), the buildings it serves
 * and the delivery slots. The admin sets it with the store (the fee is the store's).
 */
export default function AdminDeliveryPage() {
  const { params } = useRouter()
  const pickupPointId = params.pickupPointId ?? ''
  const session = useSessionStore()
  const store = useDeliveryStore()
  const point = session.pickupPoints.find((p) => p.pickupPointId === pickupPointId)
  const [form, setForm] = useState({ enabled: true, fee: '', freeOver: '', buildings: '', slots: '' })
  const [error, setError] = useState('')
  const [filledFor, setFilledFor] = useState<string | null>(null)

  useDidShow(() => {
    if (useSessionStore.getState().pickupPoints.length === 0) void useSessionStore.getState().loadPickupPoints()
  })
  // Start from what residents see now (an enabled point's terms), once the point list is in.
  useEffect(() => {
    if (!point || filledFor === point.pickupPointId) return
    const d = point.delivery
    if (d) setForm({ enabled: d.enabled, fee: fenToYuanText(d.feeFen), freeOver: d.freeOverFen !== null ? fenToYuanText(d.freeOverFen) : '', buildings: d.buildings.join(' '), slots: d.slots.map(slotLine).join('\n') })
    setFilledFor(point.pickupPointId)
  }, [point, filledFor])

  const save = async () => {
    const slots = parseSlots(form.slots)
    if (!slots.ok) return setError(`时段格式应为 2026-12-06 18:00-20:00：${slots.line}`)
    const input = {
      pickupPointId, enabled: form.enabled, feeFen: yuanToFen(form.fee || '0'),
      ...(form.freeOver.trim() ? { freeOverFen: yuanToFen(form.freeOver) } : {}),
      buildings: parseBuildings(form.buildings), slots: slots.slots,
    }
    const checked = adminContract.setDelivery.safeParse(input)
    if (!checked.success) {
      const issue = checked.error.issues[0]
      const field = String(issue.path[0] ?? '')
      const label = field === 'feeFen' ? '配送费' : field === 'freeOverFen' ? '满额免配送' : field === 'buildings' ? '楼栋' : '配送时段'
      return setError(issue.code === 'custom' ? issue.message : `${label}不正确`)
    }
    setError('')
    if (await store.saveSettings(checked.data)) void Taro.showToast({ title: '配送设置已保存', icon: 'success' })
  }

  return (
    <View className='page admin'>
      <View className='section'>
        <Text className='section__title'>{point ? `${point.name}（${point.storeName}）` : '配送设置'}</Text>
        <Field label='配送到家'>
          <View className='admin__chips'>
            <Text className={`admin__chip ${form.enabled ? 'admin__chip--on' : ''}`} onClick={() => setForm({ ...form, enabled: true })}>
              开启
            </Text>
            <Text className={`admin__chip ${!form.enabled ? 'admin__chip--on' : ''}`} onClick={() => setForm({ ...form, enabled: false })}>
              关闭
            </Text>
          </View>
        </Field>
        <Field label='配送费（元/单）' type='digit' value={form.fee} onInput={(v) => setForm({ ...form, fee: v })} placeholder='例如 3，归门店所有' />
        <Field label='满额免配送（元，可不填）' type='digit' value={form.freeOver} onInput={(v) => setForm({ ...form, freeOver: v })} placeholder='例如 50' />
        <Field label='配送楼栋' value={form.buildings} onInput={(v) => setForm({ ...form, buildings: v })} placeholder='用空格分隔，如 1栋 2栋 10栋' />
        <Field label='配送时段（每行一个）'>
          <Textarea
            className='form-field__input admin__slots'
            id='delivery-slots'
            value={form.slots}
            placeholder='2026-12-06 18:00-20:00'
            maxlength={2000}
            onInput={(e) => setForm({ ...form, slots: e.detail.value })}
          />
        </Field>
        <Text className='muted' onClick={() => setForm({ ...form, slots: [form.slots.trim(), tomorrowEveningLine(Date.now())].filter(Boolean).join('\n') })}>
          + 添加明天 18:00-20:00
        </Text>
        {error && <Text className='form-field__error'>{error}</Text>}
        {store.saveError && <Text className='form-field__error'>{friendlyMessage(store.saveError)}</Text>}
        <Button className='btn-primary admin__submit' loading={store.saving} disabled={store.saving || !pickupPointId} onClick={() => void save()}>
          保存配送设置
        </Button>
      </View>
    </View>
  )
}
