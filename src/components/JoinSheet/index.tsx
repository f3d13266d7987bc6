import { Button, Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import type { ClientError } from '@/shared/client-result'
import { ROLL_OVER_WINDOW_DAYS, type OnFail } from '@/shared/domain/roll-over'
import { friendlyMessage } from '@/components/error-copy'
import { formatFen } from '../format'
import QuantityStepper from '../QuantityStepper'
import './index.scss'

interface Props {
  title: string
  priceFen: number
  unit: string
  limitPerUser: number
  /** What this person may still take: min(limit - already held, stock left). */
  maxQuantity: number
  alreadyHeld: number
  submitting: boolean
  error: ClientError | null
  onConfirm: (quantity: number) => void
  onClose: () => void
  /** 拼团未成时: refund (default) or keep the order for the leader's next group. Shown when given. */
  onFail?: OnFail
  onFailChange?: (choice: OnFail) => void
}

export default function JoinSheet(props: Props) {
  const { title, priceFen, unit, limitPerUser, maxQuantity, alreadyHeld, submitting, error, onConfirm, onClose, onFail, onFailChange } = props
  const [quantity, setQuantity] = useState(1)
  useEffect(() => {
    if (quantity > maxQuantity) setQuantity(Math.max(1, maxQuantity))
  }, [maxQuantity, quantity])
  const total = priceFen * quantity
  return (
    <View className='join-sheet'>
      <View className='join-sheet__mask' onClick={onClose} />
      <View className='join-sheet__panel'>
        <Text className='join-sheet__title'>{title}</Text>
        <View className='row'>
          <Text>{`单价 ${formatFen(priceFen)}/${unit}`}</Text>
          <QuantityStepper value={quantity} max={Math.max(1, maxQuantity)} onChange={setQuantity} />
        </View>
        <Text className='muted'>
          {`每人限购 ${limitPerUser}${unit}`}
          {alreadyHeld > 0 ? `，你已参团 ${alreadyHeld}${unit}` : ''}
        </Text>
        {onFailChange && (
          <View className='row join-sheet__on-fail'>
            <Text className='muted'>没成团时</Text>
            <View className='join-sheet__choices'>
              <Text className={`join-sheet__choice${onFail !== 'ROLL_OVER' ? ' join-sheet__choice--on' : ''}`} onClick={() => onFailChange('REFUND')}>
                退款
              </Text>
              <Text className={`join-sheet__choice${onFail === 'ROLL_OVER' ? ' join-sheet__choice--on' : ''}`} onClick={() => onFailChange('ROLL_OVER')}>
                {`保留到下一团（${ROLL_OVER_WINDOW_DAYS} 天内）`}
              </Text>
            </View>
          </View>
        )}
        {error && <Text className='join-sheet__error'>{friendlyMessage(error)}</Text>}
        <View className='row join-sheet__total'>
          <Text>合计</Text>
          <Text className='join-sheet__amount'>{formatFen(total)}</Text>
        </View>
        <Button className='btn-primary' loading={submitting} disabled={submitting || maxQuantity < 1} onClick={() => onConfirm(quantity)}>
          {maxQuantity < 1 ? '已达限购' : `确认支付 ${formatFen(total)}`}
        </Button>
      </View>
    </View>
  )
}
