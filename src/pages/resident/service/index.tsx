import { Button, Image, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { friendlyMessage } from '@/components/error-copy'
import { formatFen } from '@/components/format'
import PickupPlace from '@/components/PickupPlace'
import SlotPicker from '@/components/SlotPicker'
import StateView from '@/components/StateView'
import { useGroupBuyStore } from '@/stores/group-buy'
import { useVoucherStore } from '@/stores/voucher'
import './index.scss'

/**
 * 预约服务 (#25): a service sold as vouchers — what it is, the slot picker (places left per slot), and 预约并支付:
 * the join books the chosen slot and the payment issues the voucher shown on the order page.
 */
export default function ServicePage() {
  const { params } = useRouter()
  const id = params.id ?? ''
  const store = useGroupBuyStore()
  const v = useVoucherStore()
  const gb = store.current?.groupBuyId === id ? store.current : null
  const [slotId, setSlotId] = useState<string | null>(null)

  useDidShow(() => {
    if (!id) return
    void useGroupBuyStore.getState().load(id)
    void useVoucherStore.getState().loadSlots(id)
  })
  usePullDownRefresh(async () => {
    await Promise.all([store.load(id), v.loadSlots(id)])
    Taro.stopPullDownRefresh()
  })

  if (!gb) {
    return (
      <View className='page'>
        <StateView loading={!store.error} error={store.error} empty emptyText='' onRetry={() => void store.load(id)} />
      </View>
    )
  }

  const book = async () => {
    if (!slotId) {
      void Taro.showToast({ title: '请先选择预约时段', icon: 'none' })
      return
    }
    const outcome = await v.book(id, slotId)
    if (!outcome) {
      void Taro.showToast({ title: friendlyMessage(useVoucherStore.getState().bookError), icon: 'none' })
      setSlotId(null)
      return
    }
    void Taro.showToast({ title: outcome.paid ? '预约成功' : '订单已创建，请尽快支付', icon: outcome.paid ? 'success' : 'none' })
    void Taro.navigateTo({ url: `/pages/resident/order/index?id=${outcome.orderId}` })
  }

  const slots = v.slotsFor === id ? v.slots : []
  return (
    <View className='page service'>
      {gb.imageUrls[0] ? <Image className='service__img' src={gb.imageUrls[0]} mode='aspectFill' /> : null}
      <View className='section'>
        <Text className='service__title'>{gb.title}</Text>
        <View className='row'>
          <Text className='service__price'>{formatFen(gb.priceFen)}</Text>
          <Text className='muted'>{`约 ${gb.durationMinutes ?? v.durationMinutes} 分钟 / 次`}</Text>
        </View>
        {gb.description ? <Text className='muted service__desc'>{gb.description}</Text> : null}
        <Text className='muted service__rules'>随时退：预约时段开始前可随时取消，全额退款；过期退：预约时段结束后未核销自动全额退款</Text>
      </View>
      <PickupPlace place={gb.pickupPoint} pickupStartAt={null} pickupEndAt={null} />
      <View className='section'>
        <Text className='section__title'>选择预约时段</Text>
        <StateView loading={v.slotsLoading && slots.length === 0} error={v.slotsError} empty={slots.length === 0} emptyText='暂无可预约时段' onRetry={() => void v.loadSlots(id)}>
          <SlotPicker slots={slots} selected={slotId} now={Date.now()} onSelect={setSlotId} />
        </StateView>
      </View>
      <View className='bottom-bar'>
        {/* key: a changing label makes a new button (H5's <Button loading> shares its children with its spinner, #22). */}
        <Button key={slotId ? 'book' : 'pick'} className='btn-primary service__book' disabled={v.booking || !slotId} loading={v.booking} onClick={() => void book()}>
          {slotId ? `预约并支付 ${formatFen(gb.priceFen)}` : '请选择时段'}
        </Button>
      </View>
    </View>
  )
}
