import { Button, Text, View } from '@tarojs/components'
import type { PayoutView } from '@/shared/contracts/ledger'
import type { PayoutState } from '@/shared/domain/payout'
import { formatFen, formatTime } from '@/components/format'
import './index.scss'

const STATE_TEXT: Record<PayoutState, string> = {
  REQUESTED: '提现处理中',
  WAIT_USER_CONFIRM: '待确认收款',
  SUCCESS: '已到账',
  FAILED: '未到账，已退回可提现',
  CANCELLED: '超时未确认，已退回可提现',
}

interface Props {
  items: PayoutView[]
  /** The payout whose confirmation is in progress. */
  confirming: string | null
  onConfirm: (payoutId: string) => void
}

/**
 * 提现记录: each payout and where it stands. One waiting for the payee shows 确认收款, which opens WeChat's own
 * confirmation (商家转账); the money reaches the WeChat balance only after it.
 */
export default function PayoutList({ items, confirming, onConfirm }: Props) {
  if (items.length === 0) return null
  return (
    <View className='section payout-list'>
      <Text className='section__title'>提现记录</Text>
      {items.map((p) => (
        <View key={p.payoutId} className='row payout-list__item'>
          <View className='payout-list__info'>
            <Text className='payout-list__amount'>{formatFen(p.amountFen)}</Text>
            <Text className={`muted payout-list__state payout-list__state--${p.state.toLowerCase()}`}>{`${STATE_TEXT[p.state]} · ${formatTime(p.createdAt)}`}</Text>
          </View>
          {p.confirm && (
            <Button className='btn-primary' size='mini' disabled={confirming !== null} onClick={() => onConfirm(p.payoutId)}>
              {confirming === p.payoutId ? '确认中…' : '确认收款'}
            </Button>
          )}
        </View>
      ))}
      {items.some((p) => p.confirm) && <Text className='muted'>请在 24 小时内确认收款，逾期未确认的提现会退回可提现余额。</Text>}
    </View>
  )
}
