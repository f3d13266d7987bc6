import { Image, Text, View } from '@tarojs/components'
import { friendlyMessage } from '../error-copy'
import type { ClientError } from '@/shared/client-result'
import './index.scss'

export interface PhotoItem {
  key: string
  url: string
  uploading: boolean
  error: ClientError | null
}

interface Props {
  items: PhotoItem[]
  max: number
  onAdd: () => void
  onRemove: (key: string) => void
}

/** Photos of a form: thumbnails with their upload state, a tile to add more, × to remove one. */
export default function PhotoPicker({ items, max, onAdd, onRemove }: Props) {
  return (
    <View className='photo-picker'>
      {items.map((i) => (
        <View key={i.key} className={`photo-picker__tile ${i.error ? 'photo-picker__tile--error' : ''}`}>
          <Image className='photo-picker__img' src={i.url} mode='aspectFill' />
          {i.uploading && <Text className='photo-picker__state'>上传中…</Text>}
          {i.error && <Text className='photo-picker__state photo-picker__state--error'>{friendlyMessage(i.error)}</Text>}
          <Text className='photo-picker__remove' aria-label='删除图片' onClick={() => onRemove(i.key)}>
            ×
          </Text>
        </View>
      ))}
      {items.length < max && (
        <View className='photo-picker__tile photo-picker__add' aria-label='添加图片' onClick={onAdd}>
          <Text className='photo-picker__plus'>+</Text>
          <Text className='photo-picker__hint'>{`添加图片 ${items.length}/${max}`}</Text>
        </View>
      )}
    </View>
  )
}
