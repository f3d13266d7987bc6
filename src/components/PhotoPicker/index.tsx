import { Image, Text, View } from '@tarojs/components'
import { friendlyMessage } from '../error-copy'
import PrivacyAuthorization from '../PrivacyAuthorization'
import { usePrivacyGate } from '../PrivacyAuthorization/privacy-gate'
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
  const refused = usePrivacyGate((s) => s.refused)
  return (
    <View className='photo-picker'>
      {/* WeChat holds chooseMedia until the user agrees to the privacy guide: the prompt lives with the photo step. */}
      <PrivacyAuthorization />
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
      {refused && <Text className='photo-picker__privacy'>你未同意《用户隐私保护指引》，暂时无法选择照片；再点「添加图片」可重新选择。其他功能不受影响。</Text>}
    </View>
  )
}
