import { Button, Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useMemo, useState } from 'react'
import { friendlyMessage } from '../error-copy'
import { formatDateTime } from '../format'
import { qrDataUrl } from '../PickupCode/qr'
import SlotPicker, { slotText } from '../SlotPicker'
import type { VoucherView } from '@/shared/domain/voucher'
import { useVoucherStore } from '@/stores/voucher'
import './index.scss'

const STATE_LABEL: Record<VoucherView['state'], string> = {
  PENDING: '待支付后生成服务券',
  VALID: '服务券',
  REDEEMED: '已核销',
  CANCELLED: '已取消（全额退款）',
  EXPIRED: '已过期（自动退款）',
}

interface Props {
  orderId: string
  groupBuyId: string
  voucher: VoucherView
}

/**
 * The voucher on a service order: the code and its QR (the same encoder as the pickup code) for the provider to
 * scan or type, the booked slot, and the resident's 随时退 (until the slot starts) and 改约 to a slot with room.
 */
export default function VoucherCard({ orderId, groupBuyId, voucher }: Props) {
  const v = useVoucherStore()
  const [moving, setMoving] = useState(false)
  const [target, setTarget] = useState<string | null>(null)
  const qr = useMemo(() => (voucher.qrPayload ? qrDataUrl(voucher.qrPayload) : ''), [voucher.qrPayload])
  const now = Date.now()
  const changeable = voucher.state === 'VALID' && now < voucher.slotStartAt

  const cancel = async () => {
    const { confirm } = await Taro.showModal({ title: '取消预约', content: '取消后全额退款，确定取消吗？' })
    if (!confirm) return
    const done = await v.cancel(orderId)
    void Taro.showToast({ title: done ? '已取消，全额退款中' : friendlyMessage(useVoucherStore.getState().actionError), icon: 'none' })
  }
  const openMove = () => {
    setMoving(true)
    setTarget(null)
    void v.loadSlots(groupBuyId)
  }
  const move = async () => {
    if (!target) return
    const done = await v.reschedule(orderId, target)
    if (done) setMoving(false)
    void Taro.showToast({ title: done ? '改约成功' : friendlyMessage(useVoucherStore.getState().actionError), icon: 'none' })
  }

  return (
    <View className={`voucher-card voucher-card--${voucher.state.toLowerCase()}`}>
      <Text className='voucher-card__title'>{STATE_LABEL[voucher.state]}</Text>
      {voucher.code && (
        <Text className='voucher-card__code' id='voucher-code-value'>
          {voucher.code}
        </Text>
      )}
      {voucher.state === 'VALID' && qr && <Image className='voucher-card__qr' src={qr} mode='scaleToFill' />}
      <Text className='voucher-card__slot' id='voucher-slot'>{`预约时段 ${slotText({ startAt: voucher.slotStartAt, endAt: voucher.slotEndAt })}`}</Text>
      {voucher.state === 'VALID' && <Text className='voucher-card__hint'>到预约时间出示此码，服务方扫码或输入券码核销</Text>}
      {voucher.state === 'VALID' && voucher.expiresAt && <Text className='voucher-card__hint'>{`${formatDateTime(voucher.expiresAt)} 前未使用将自动全额退款`}</Text>}
      {voucher.redeemedAt && <Text className='voucher-card__hint'>{`核销时间 ${formatDateTime(voucher.redeemedAt)}`}</Text>}
      {changeable && !moving && (
        <View className='voucher-card__actions'>
          <Button className='btn-ghost voucher-card__btn' size='mini' disabled={v.acting} onClick={openMove}>
            改约
          </Button>
          <Button className='btn-ghost voucher-card__btn' size='mini' disabled={v.acting} onClick={() => void cancel()}>
            随时退
          </Button>
        </View>
      )}
      {changeable && moving && (
        <View className='voucher-card__move'>
          <Text className='voucher-card__hint'>选择新的时段</Text>
          <SlotPicker slots={v.slotsFor === groupBuyId ? v.slots : []} selected={target} now={now} exclude={voucher.slotId} onSelect={setTarget} />
          <View className='voucher-card__actions'>
            <Button className='btn-ghost voucher-card__btn' size='mini' onClick={() => setMoving(false)}>
              不改了
            </Button>
            <Button className='btn-primary voucher-card__btn' size='mini' disabled={!target || v.acting} onClick={() => void move()}>
              确认改约
            </Button>
          </View>
        </View>
      )}
    </View>
  )
}
