import { Text, View } from '@tarojs/components'
import type { OrderView } from '@/shared/contracts/order'
import { formatTime } from '../format'
import './index.scss'

interface Step {
  label: string
  at: number | null
  state: 'done' | 'current' | 'todo' | 'bad'
}

/** The order's life so far and what comes next, in the order a resident lives it. */
export function timelineSteps(order: OrderView): Step[] {
  const steps: Step[] = [{ label: '已下单', at: order.createdAt, state: 'done' }]
  const bad: Partial<Record<OrderView['status'], string>> = {
    CANCELLED: '已取消',
    EXPIRED: '超时未支付，已关闭',
    REFUNDING: '未成团，退款中',
    REFUNDED: '已退款',
  }
  if (order.paidAt) steps.push({ label: '已支付', at: order.paidAt, state: 'done' })
  const badLabel = bad[order.status]
  if (badLabel) {
    steps.push({ label: badLabel, at: order.refundedAt, state: 'bad' })
    return steps
  }
  if (!order.paidAt) steps.push({ label: '待支付', at: null, state: 'current' })
  steps.push({
    label: '到货待提货',
    at: order.readyAt,
    state: order.readyAt ? 'done' : order.paidAt ? 'current' : 'todo',
  })
  steps.push({
    label: '已提货',
    at: order.pickedUpAt,
    state: order.pickedUpAt ? 'done' : order.readyAt ? 'current' : 'todo',
  })
  return steps
}

export default function OrderTimeline({ order }: { order: OrderView }) {
  return (
    <View className='timeline'>
      {timelineSteps(order).map((s) => (
        <View key={s.label} className={`timeline__step timeline__step--${s.state}`}>
          <View className='timeline__dot' />
          <Text className='timeline__label'>{s.label}</Text>
          {s.at ? <Text className='timeline__at'>{formatTime(s.at)}</Text> : null}
        </View>
      ))}
    </View>
  )
}
