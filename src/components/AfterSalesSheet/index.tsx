import { Button, Text, Textarea, View } from '@tarojs/components'
import { useState } from 'react'
import { AFTER_SALES_REASON_LABELS, AFTER_SALES_REASONS, afterSalesRefundFen, type AfterSalesReason } from '@/shared/domain/after-sales'
import { formatFen } from '../format'
import PhotoPicker from '../PhotoPicker'
import type { SheetPhotos } from '../RatingSheet'
import QuantityStepper from '../QuantityStepper'
import '../RatingSheet/index.scss'

export interface AfterSalesSheetValue {
  quantity: number
  reason: AfterSalesReason
  text: string
}

interface Props {
  /** Units that can still be asked back (picked up, less open and approved cases). */
  max: number
  priceFen: number
  saving: boolean
  photos: SheetPhotos
  onSubmit: (value: AfterSalesSheetValue) => void
  onClose: () => void
}

/** 申请售后: how many, why, a few words and photos; shows what an approval would refund. */
export default function AfterSalesSheet({ max, priceFen, saving, photos, onSubmit, onClose }: Props) {
  const [quantity, setQuantity] = useState(1)
  const [reason, setReason] = useState<AfterSalesReason>('QUALITY')
  const [text, setText] = useState('')
  return (
    <View className='sheet-mask' onClick={onClose}>
      <View className='sheet' onClick={(e) => e.stopPropagation()}>
        <Text className='section__title'>申请售后</Text>
        <View className='row'>
          <Text className='muted'>数量</Text>
          <QuantityStepper value={quantity} max={max} onChange={setQuantity} />
        </View>
        <View className='rating-sheet__tags'>
          {AFTER_SALES_REASONS.map((r) => (
            <Text key={r} className={`tag-chip ${reason === r ? 'tag-chip--on' : ''}`} onClick={() => setReason(r)}>
              {AFTER_SALES_REASON_LABELS[r]}
            </Text>
          ))}
        </View>
        <Textarea className='sheet__text' value={text} maxlength={500} placeholder='描述一下问题（选填）' onInput={(e) => setText(e.detail.value)} />
        <PhotoPicker {...photos} max={6} />
        <Text className='muted'>{`同意后退款 ${formatFen(afterSalesRefundFen(quantity, priceFen))}，原路退回`}</Text>
        <Button className='btn-primary sheet__submit' disabled={saving} loading={saving} onClick={() => onSubmit({ quantity, reason, text })}>
          提交申请
        </Button>
      </View>
    </View>
  )
}
