import { Text, View } from '@tarojs/components'
import { nextTier, tierReached, type PriceTier } from '@/shared/domain/price-tiers'
import { formatFen } from '../format'
import './index.scss'

interface Props {
  tiers: readonly PriceTier[]
  /** Units paid so far (the whole group buy's). */
  paidQuantity: number
  unit: string
  /** Set once the group ended 成团: the tier it reached. */
  finalPriceFen?: number | null
  /** One line for feed cards; the full table on the detail page. */
  compact?: boolean
}

/** 阶梯价: which tier the group has reached and how many more units reach the next. */
export function tierProgressText(tiers: readonly PriceTier[], paidQuantity: number, unit: string, finalPriceFen?: number | null): string {
  if (typeof finalPriceFen === 'number') return `最终成交价 ${formatFen(finalPriceFen)}`
  const reached = tierReached(tiers, paidQuantity)
  const next = nextTier(tiers, paidQuantity)
  const at = paidQuantity >= tiers[1].minQuantity ? `已达 ${formatFen(reached.priceFen)} 档` : `已拼 ${paidQuantity}${unit}`
  return next ? `${at}，再拼 ${next.missing}${unit}享 ${formatFen(next.tier.priceFen)}` : `${at}，已是最低价`
}

export default function PriceTiers({ tiers, paidQuantity, unit, finalPriceFen, compact }: Props) {
  if (tiers.length < 2) return null
  const text = tierProgressText(tiers, paidQuantity, unit, finalPriceFen)
  if (compact) return <Text className='price-tiers__line'>{`阶梯价 · ${text}`}</Text>
  const reached = typeof finalPriceFen === 'number' ? tiers.find((t) => t.priceFen === finalPriceFen) ?? tierReached(tiers, paidQuantity) : tierReached(tiers, paidQuantity)
  return (
    <View className='price-tiers'>
      <View className='price-tiers__table'>
        {tiers.map((t) => (
          <View key={t.minQuantity} className={`price-tiers__tier${t === reached ? ' price-tiers__tier--reached' : ''}`}>
            <Text className='price-tiers__price'>{formatFen(t.priceFen)}</Text>
            <Text className='price-tiers__qty'>{`满 ${t.minQuantity}${unit}`}</Text>
          </View>
        ))}
      </View>
      <Text className='price-tiers__progress'>{text}</Text>
      <Text className='price-tiers__note'>先按第一档付款，成团后按达到的档位自动退差价</Text>
    </View>
  )
}
