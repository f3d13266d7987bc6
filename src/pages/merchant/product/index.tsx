import { Button, Text, Textarea, View } from '@tarojs/components'
import Taro, { useLoad, useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { friendlyMessage } from '@/components/error-copy'
import Field from '@/components/Field'
import PhotoPicker from '@/components/PhotoPicker'
import StateView from '@/components/StateView'
import { useMerchantStore } from '@/stores/merchant'
import { useSessionStore } from '@/stores/session'
import { useUploadsStore } from '@/stores/uploads'
import { emptyProductForm, formOf, toProductInput, validateProduct, type ProductForm } from './form'
import './index.scss'

const MAX_PHOTOS = 9

const TEXT_FIELDS: { key: keyof ProductForm; error: string; label: string; placeholder: string; type?: 'digit' }[] = [
  { key: 'name', error: 'name', label: '商品名称', placeholder: '例如：赣南脐橙 5 斤装' },
  { key: 'category', error: 'category', label: '分类', placeholder: '水果 / 粮油 / 日用…' },
  { key: 'spec', error: 'spec', label: '规格（选填）', placeholder: '例如：单果 200g 以上' },
  { key: 'unit', error: 'unit', label: '单位', placeholder: '份 / 箱 / 袋' },
  { key: 'supplyPrice', error: 'supplyPriceFen', label: '供货价（元）', placeholder: '团长进货的价格，例如 25.5', type: 'digit' },
  { key: 'suggestedPrice', error: 'suggestedPriceFen', label: '建议零售价（元）', placeholder: '例如 39.9', type: 'digit' },
]

export default function MerchantProductPage() {
  const { params } = useRouter()
  const productId = params.id ?? ''
  const m = useMerchantStore()
  const photos = useUploadsStore()
  const openid = useSessionStore((s) => s.openid)
  const [form, setForm] = useState<ProductForm>(emptyProductForm)
  const [errors, setErrors] = useState<Record<string, string>>({})

  useLoad(async () => {
    m.clearSaveError()
    photos.reset()
    if (!productId) return
    const p = await useMerchantStore.getState().loadProduct(productId)
    if (p) {
      setForm(formOf(p))
      useUploadsStore.getState().start(p.images.map((fileId, i) => ({ fileId, url: p.imageUrls[i] ?? '' })))
    }
  })

  if (productId && !m.editing.product) {
    return (
      <View className='page'>
        <StateView loading={m.editing.loading} error={m.editing.error} empty emptyText='' onRetry={() => void m.loadProduct(productId)} />
      </View>
    )
  }

  const update = (key: keyof ProductForm, value: string) => {
    setForm((f) => ({ ...f, [key]: value }))
    const errorKey = TEXT_FIELDS.find((f) => f.key === key)?.error ?? key
    setErrors(({ [errorKey]: _edited, ...rest }) => rest)
  }
  const submit = async () => {
    if (photos.busy()) {
      void Taro.showToast({ title: '图片还在上传，请稍候', icon: 'none' })
      return
    }
    const checked = validateProduct(toProductInput(form, photos.fileIds()))
    if (!checked.ok) {
      setErrors(checked.errors)
      return
    }
    setErrors({})
    const id = await m.saveProduct(checked.value, productId || undefined)
    if (id) {
      void Taro.showToast({ title: productId ? '已保存' : '商品已创建', icon: 'success' })
      void Taro.navigateBack()
    }
  }

  return (
    <View className='page merchant-product-form'>
      <View className='section'>
        <Field label='商品图片（第一张为封面）' error={errors.images}>
          <PhotoPicker
            items={photos.items}
            max={MAX_PHOTOS}
            onAdd={() => void photos.add(MAX_PHOTOS, 'products', openid ?? 'me')}
            onRemove={(key) => photos.remove(key)}
          />
        </Field>
        {TEXT_FIELDS.map((f) => (
          <Field
            key={f.key}
            className={`merchant-product-form__${f.key}`}
            label={f.label}
            value={form[f.key]}
            type={f.type}
            placeholder={f.placeholder}
            error={errors[f.error]}
            onInput={(v) => update(f.key, v)}
          />
        ))}
        <Field label='商品描述（选填）' error={errors.description}>
          <Textarea className='merchant-product-form__desc' value={form.description} maxlength={2000} onInput={(e) => update('description', e.detail.value)} />
        </Field>
      </View>
      {m.saveError && <Text className='form-error'>{friendlyMessage(m.saveError)}</Text>}
      <View className='bottom-bar'>
        <Button key={productId ? '保存商品' : '创建商品'} className='btn-primary' loading={m.saving} disabled={m.saving} onClick={() => void submit()}>
          {productId ? '保存商品' : '创建商品'}
        </Button>
      </View>
    </View>
  )
}
