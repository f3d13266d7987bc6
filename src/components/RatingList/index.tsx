import { Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { RatingAggregateView, RatingSummary, RatingView } from '@/shared/contracts/feedback'
import { formatDay } from '../format'
import './index.scss'

/** "4.8★ · 12 条评价", or "暂无评价" when nobody has rated yet. */
export function RatingBadge({ rating }: { rating: RatingSummary | null | undefined }) {
  if (!rating || rating.count === 0) return <Text className='rating-badge rating-badge--none'>暂无评价</Text>
  return (
    <Text className='rating-badge'>
      <Text className='rating-badge__avg'>{`${rating.avg.toFixed(1)}★`}</Text>
      <Text className='muted'>{` · ${rating.count} 条评价`}</Text>
    </Text>
  )
}

/** Stars per value (5 → 1) and the tags named (the server sends them most first). */
export function RatingBreakdown({ rating }: { rating: RatingAggregateView }) {
  const top = Math.max(1, ...rating.stars)
  return (
    <View className='rating-breakdown'>
      {[5, 4, 3, 2, 1].map((n) => (
        <View key={n} className='rating-breakdown__row'>
          <Text className='rating-breakdown__label'>{`${n}星`}</Text>
          <View className='rating-breakdown__track'>
            <View className='rating-breakdown__bar' style={{ width: `${Math.round((rating.stars[n - 1] / top) * 1000) / 10}%` }} />
          </View>
          <Text className='rating-breakdown__count'>{rating.stars[n - 1]}</Text>
        </View>
      ))}
      {rating.tagCounts.length > 0 && (
        <View className='rating-breakdown__tags'>
          {rating.tagCounts.map((t) => (
            <Text key={t.tag} className='tag'>{`${t.tag} ${t.count}`}</Text>
          ))}
        </View>
      )}
    </View>
  )
}

/** Residents' ratings as others see them: masked name, stars, tags, words, photos. */
export default function RatingList({ items }: { items: RatingView[] }) {
  return (
    <View className='rating-list'>
      {items.map((r) => (
        <View key={r.key} className='rating-item'>
          <View className='rating-item__head'>
            <Text className='rating-item__name'>{r.maskedName}</Text>
            <Text className='rating-item__stars' aria-label={`${r.stars} 星`}>{'★'.repeat(r.stars) + '☆'.repeat(5 - r.stars)}</Text>
            <Text className='muted'>{formatDay(r.ratedOn)}</Text>
          </View>
          {r.tags.length > 0 && (
            <View className='rating-item__tags'>
              {r.tags.map((t) => (
                <Text key={t} className='tag'>{t}</Text>
              ))}
            </View>
          )}
          {r.text ? <Text className='rating-item__text'>{r.text}</Text> : null}
          {r.imageUrls.length > 0 && (
            <View className='rating-item__photos'>
              {r.imageUrls.map((u) => (
                <Image key={u} className='rating-item__photo' src={u} mode='aspectFill' onClick={() => void Taro.previewImage({ urls: r.imageUrls, current: u })} />
              ))}
            </View>
          )}
        </View>
      ))}
    </View>
  )
}
