import { Button, Input, Text, Textarea, View } from '@tarojs/components'
import Taro, { useLoad } from '@tarojs/taro'
import { useState } from 'react'
import { friendlyMessage } from '@/components/error-copy'
import Field from '@/components/Field'
import PhotoPicker from '@/components/PhotoPicker'
import WhenPicker, { TimePresets } from '@/components/WhenPicker'
import { toMs } from '@/components/form-fields'
import { endPresets, pickupPresets } from '@/shared/domain/time-presets'
import { useLeaderStore } from '@/stores/leader'
import { useSessionStore } from '@/stores/session'
import { useUploadsStore } from '@/stores/uploads'
import { applyEndPreset, applyPickupPreset, defaultForm, toInput, validateCreate, type CreateForm, type FormErrors } from './form'
import './index.scss'

type TextField = 'title' | 'unit' | 'price' | 'originalPrice' | 'stock' | 'minParticipants' | 'limitPerUser' | 'tiers'

const FIELDS: { key: TextField; label: string; error: keyof FormErrors; type: 'text' | 'digit' | 'number'; placeholder: string }[] = [
  { key: 'title', label: '商品名称', error: 'title', type: 'text', placeholder: '例如：阳光玫瑰葡萄 2斤装' },
  { key: 'unit', label: '单位', error: 'unit', type: 'text', placeholder: '份 / 斤 / 盒' },
  { key: 'price', label: '团购价（元）', error: 'priceFen', type: 'digit', placeholder: '例如 19.9' },
  { key: 'originalPrice', label: '原价（元，选填）', error: 'originalPriceFen', type: 'digit', placeholder: '例如 29.9' },
  { key: 'tiers', label: '阶梯价（选填，满件数:单价）', error: 'priceTiers', type: 'text', placeholder: '例如 10:27, 30:25' },
  { key: 'stock', label: '库存', error: 'stock', type: 'number', placeholder: '可售总数' },
  { key: 'minParticipants', label: '成团人数', error: 'minParticipants', type: 'number', placeholder: '付款人数达到即成团' },
  { key: 'limitPerUser', label: '每人限购', error: 'limitPerUser', type: 'number', placeholder: '每人最多购买数量' },
]

export default function LeaderCreatePage() {
  const [form, setForm] = useState<CreateForm>(() => defaultForm(Date.now()))
  const [errors, setErrors] = useState<FormErrors>({})
  const submitting = useLeaderStore((s) => s.submitting)
  const submitError = useLeaderStore((s) => s.submitError)
  const pickupPointId = useSessionStore((s) => s.boundPickupPointId ?? s.pickupPointId)
  const openid = useSessionStore((s) => s.openid)
  const photos = useUploadsStore()
  useLoad(() => useUploadsStore.getState().reset())

  const update = (key: keyof CreateForm, value: string) => setForm((f) => ({ ...f, [key]: value }))
  const setMany = (patch: Partial<CreateForm>) => setForm((f) => ({ ...f, ...patch }))
  // One clock reading per render: the wheels start today and the presets are counted from now (China time).
  const now = Date.now()

  const submit = async () => {
    if (photos.busy()) {
      void Taro.showToast({ title: '图片还在上传，请稍候', icon: 'none' })
      return
    }
    const images = photos.fileIds()
    const checked = validateCreate({ ...toInput(form, pickupPointId ?? ''), ...(images.length > 0 ? { images } : {}) })
    if (!checked.ok) {
      setErrors(checked.errors)
      return
    }
    setErrors({})
    const id = await useLeaderStore.getState().create(checked.value)
    if (id) {
      void Taro.showToast({ title: '团购已发布', icon: 'success' })
      void Taro.redirectTo({ url: `/pages/leader/group/index?id=${id}` })
    }
  }

  return (
    <View className='page create'>
      <View className='section'>
        <Field label='商品图片（选填，第一张为封面）' error={errors.images}>
          <PhotoPicker items={photos.items} max={9} onAdd={() => void photos.add(9, 'group-buys', openid ?? 'me')} onRemove={(k) => photos.remove(k)} />
        </Field>
        {FIELDS.map((f) => (
          <View key={f.key} className='create__field'>
            <Text className='create__label'>{f.label}</Text>
            <Input
              className={`create__input create__input--${f.key}`}
              type={f.type}
              value={form[f.key]}
              placeholder={f.placeholder}
              onInput={(e) => update(f.key, e.detail.value)}
            />
            {errors[f.error] && <Text className='create__error'>{errors[f.error]}</Text>}
          </View>
        ))}
        <View className='create__field'>
          <Text className='create__label'>商品描述（选填）</Text>
          <Textarea className='create__textarea' value={form.description} maxlength={2000} onInput={(e) => update('description', e.detail.value)} />
          {errors.description && <Text className='create__error'>{errors.description}</Text>}
        </View>
      </View>
      <View className='section'>
        <View className='create__field'>
          <Text className='create__label'>开始时间</Text>
          <WhenPicker className='create__start' title='开始时间' now={now} value={{ date: form.startDate, time: form.startTime }} onChange={(w) => setMany({ startDate: w.date, startTime: w.time })} />
          {errors.startAt && <Text className='create__error'>{errors.startAt}</Text>}
        </View>
        <View className='create__field'>
          <Text className='create__label'>结束时间（截团）</Text>
          <WhenPicker className='create__end' title='结束时间' now={now} value={{ date: form.endDate, time: form.endTime }} onChange={(w) => setMany({ endDate: w.date, endTime: w.time })} />
          <TimePresets items={endPresets(now).map((p) => ({ label: p.label, onPick: () => setMany(applyEndPreset(p)) }))} />
          {errors.endAt && <Text className='create__error'>{errors.endAt}</Text>}
        </View>
        <View className='create__field'>
          <Text className='create__label'>提货时间（选填）</Text>
          <View className='create__when'>
            <WhenPicker
              className='create__pickup-start'
              title='提货开始'
              placeholder='开始'
              now={now}
              value={{ date: form.pickupDate, time: form.pickupStart }}
              onChange={(w) => setMany({ pickupDate: w.date, pickupStart: w.time, pickupEnd: form.pickupEnd || '20:00' })}
            />
            <Text className='create__to'>至</Text>
            <WhenPicker
              className='create__pickup-end'
              title='提货结束'
              mode='time'
              placeholder='结束'
              now={now}
              value={{ date: form.pickupDate, time: form.pickupEnd }}
              onChange={(w) => setMany({ pickupDate: w.date, pickupEnd: w.time })}
            />
          </View>
          <TimePresets items={pickupPresets(now, toMs(form.endDate, form.endTime)).map((p) => ({ label: p.label, onPick: () => setMany(applyPickupPreset(p)) }))} />
          {errors.pickupEndAt && <Text className='create__error'>{errors.pickupEndAt}</Text>}
        </View>
        {errors.pickupPointId && <Text className='create__error'>你还没有绑定自提点，请联系平台开通</Text>}
      </View>
      {submitError && <Text className='create__error create__error--form'>{friendlyMessage(submitError)}</Text>}
      <View className='bottom-bar'>
        <Button className='btn-primary' loading={submitting} disabled={submitting} onClick={() => void submit()}>
          发布团购
        </Button>
      </View>
    </View>
  )
}
