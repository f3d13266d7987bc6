import { Button, Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import type { PickListItem } from '@/shared/contracts/group-buy'
import { formatFen, formatSeq } from '../format'
import InputNumber from '../kit/inputnumber'
import Popup from '../kit/popup'
import { previewShortage } from './shortage'
import './index.scss'

interface Props {
  visible: boolean
  items: readonly PickListItem[]
  priceFen: number
  unit: string
  submitting: boolean
  onClose: () => void
  /** `receivedQuantity` undefined = everything arrived. */
  onConfirm: (receivedQuantity: number | undefined) => void
}

/** 到货签收: how many arrived; a shortage is spelled out (who gets less, what is refunded) before confirming. */
export default function ArrivalSheet({ visible, items, priceFen, unit, submitting, onClose, onConfirm }: Props) {
  const expected = items.reduce((n, i) => n + i.quantity, 0)
  const [received, setReceived] = useState(expected)
  useEffect(() => setReceived(expected), [expected, visible])
  const p = previewShortage(items, received, priceFen)

  return (
    <Popup visible={visible} position='bottom' round onClose={onClose}>
      <View className='arrival'>
        <Text className='arrival__title'>确认到货</Text>
        <View className='row'>
          <Text>{`应到 ${expected}${unit}，实到`}</Text>
          <InputNumber value={received} min={0} max={expected} onChange={(v: string | number) => setReceived(Number(v))} />
        </View>
        {p.short === 0 ? (
          <Text className='arrival__ok'>全部到齐：确认后通知所有团员凭提货码取货。</Text>
        ) : (
          <View className='arrival__short'>
            <Text className='arrival__short-title'>{`缺货 ${p.short}${unit}`}</Text>
            <Text className='arrival__line'>按跟团号先后配货，排在后面的团员少发，少发部分按团购价原路退款：</Text>
            {p.cut.map((c) => (
              <Text key={`${c.seq}-${c.maskedName}`} className='arrival__line'>{`${formatSeq(c.seq)} ${c.maskedName}：应发 ${c.quantity}，实发 ${c.served}，退 ${formatFen((c.quantity - c.served) * priceFen)}`}</Text>
            ))}
            <Text className='arrival__line arrival__refund'>{`共退款 ${formatFen(p.refundFen)}`}</Text>
          </View>
        )}
        <Button key={p.short === 0 ? '确认全部到货' : `确认到货 ${received}${unit} 并退款`} className='btn-primary arrival__confirm' loading={submitting} disabled={submitting} onClick={() => onConfirm(p.short === 0 ? undefined : received)}>
          {p.short === 0 ? '确认全部到货' : `确认到货 ${received}${unit} 并退款`}
        </Button>
      </View>
    </Popup>
  )
}
