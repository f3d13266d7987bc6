import { Image, Text, View } from '@tarojs/components'
import { useState } from 'react'
import './index.scss'

interface Props {
  /** fileIDs so far, and their preview URLs (same order). */
  value: string[]
  previews: string[]
  max: number
  /** Picks and uploads; resolves to the new fileIDs with preview URLs. */
  pick: (room: number) => Promise<{ ids: string[]; previews: string[] } | null>
  onChange: (ids: string[], previews: string[]) => void
}

/** 上传照片: thumbnails with a remove tap, and an add tile while fewer than `max`. */
export default function PhotoPicker({ value, previews, max, pick, onChange }: Props) {
  const [busy, setBusy] = useState(false)
  const add = async () => {
    if (busy) return
    setBusy(true)
    const got = await pick(max - value.length)
    setBusy(false)
    if (got) onChange([...value, ...got.ids].slice(0, max), [...previews, ...got.previews].slice(0, max))
  }
  return (
    <View className='photos'>
      {value.map((id, i) => (
        <View key={id} className='photos__item' onClick={() => onChange(value.filter((_, j) => j !== i), previews.filter((_, j) => j !== i))}>
          <Image className='photos__img' src={previews[i] || id} mode='aspectFill' />
          <Text className='photos__remove'>×</Text>
        </View>
      ))}
      {value.length < max && (
        <View className='photos__add' onClick={() => void add()} aria-label='添加照片'>
          <Text>{busy ? '上传中' : '+ 照片'}</Text>
        </View>
      )}
    </View>
  )
}
