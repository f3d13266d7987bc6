import { Button, Text, Textarea, View } from '@tarojs/components'
import { useState, type ComponentProps } from 'react'
import { RATING_IMAGES_MAX, RATING_TAGS, RATING_TEXT_MAX, type RatingTag } from '@/shared/domain/feedback'
import PhotoPicker from '../PhotoPicker'
import './index.scss'

export interface RatingSheetValue {
  stars: number
  tags: RatingTag[]
  text: string
}

/** The photo list is the page's (its uploads store): the sheet shows it and asks to add or remove. */
export type SheetPhotos = Pick<ComponentProps<typeof PhotoPicker>, 'items' | 'onAdd' | 'onRemove'>

interface Props {
  initial?: RatingSheetValue
  saving: boolean
  photos: SheetPhotos
  onSubmit: (value: RatingSheetValue) => void
  onClose: () => void
}

const STAR_WORDS = ['', '很差', '较差', '一般', '满意', '非常满意']

/** 评价: stars (required), tags, a few words, up to 6 photos. */
export default function RatingSheet({ initial, saving, photos, onSubmit, onClose }: Props) {
  const [stars, setStars] = useState(initial?.stars ?? 0)
  const [tags, setTags] = useState<RatingTag[]>(initial?.tags ?? [])
  const [text, setText] = useState(initial?.text ?? '')
  const toggle = (t: RatingTag) => setTags(tags.includes(t) ? tags.filter((x) => x !== t) : [...tags, t])
  return (
    <View className='sheet-mask' onClick={onClose}>
      <View className='sheet rating-sheet' onClick={(e) => e.stopPropagation()}>
        <Text className='section__title'>评价这次团购</Text>
        <View className='rating-sheet__stars' aria-label='评分'>
          {[1, 2, 3, 4, 5].map((n) => (
            <Text key={n} className={`rating-sheet__star ${n <= stars ? 'rating-sheet__star--on' : ''}`} onClick={() => setStars(n)} aria-label={`${n} 星`}>
              ★
            </Text>
          ))}
          <Text className='muted'>{STAR_WORDS[stars]}</Text>
        </View>
        <View className='rating-sheet__tags'>
          {RATING_TAGS.map((t) => (
            <Text key={t.key} className={`tag-chip ${tags.includes(t.label) ? 'tag-chip--on' : ''} ${t.complaint ? 'tag-chip--bad' : ''}`} onClick={() => toggle(t.label)}>
              {t.label}
            </Text>
          ))}
        </View>
        <Textarea className='sheet__text' value={text} maxlength={RATING_TEXT_MAX} placeholder='说说口感、分量、包装（选填）' onInput={(e) => setText(e.detail.value)} />
        <PhotoPicker {...photos} max={RATING_IMAGES_MAX} />
        <Button key={initial ? '保存修改' : '提交评价'} className='btn-primary sheet__submit' disabled={stars === 0 || saving} loading={saving} onClick={() => onSubmit({ stars, tags, text })}>
          {initial ? '保存修改' : '提交评价'}
        </Button>
      </View>
    </View>
  )
}
