import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { useState } from 'react'
import { formatDateTime, formatFen } from '@/components/format'
import StateView from '@/components/StateView'
import { friendlyMessage } from '@/services/error-messages'
import { useCouponStore } from '@/stores/coupon'
import './index.scss'

const COUPON_STATUS_LABEL: Record<string, string> = { ACTIVE: '可使用', UNUSED: '可使用', REDEEMED: '已使用', EXPIRED: '已过期' }

export default function CouponsPage() {
  const s = useCouponStore()
  const [tab, setTab] = useState<'centre' | 'mine'>('centre')
  useDidShow(() => void useCouponStore.getState().refresh())
  usePullDownRefresh(async () => {
    await s.refresh()
    Taro.stopPullDownRefresh()
  })

  const claim = async (id: string) => {
    const done = await s.claim(id)
    void Taro.showToast({ title: done ? '领取成功' : friendlyMessage(useCouponStore.getState().claimError), icon: done ? 'success' : 'none' })
  }

  return (
    <View className='page'>
      <View className='coupons__tabs'>
        <Text className={`coupons__tab ${tab === 'centre' ? 'coupons__tab--on' : ''}`} onClick={() => setTab('centre')}>
          领券中心
        </Text>
        <Text className={`coupons__tab ${tab === 'mine' ? 'coupons__tab--on' : ''}`} onClick={() => setTab('mine')}>
          {`我的优惠券${s.mine.length ? `（${s.mine.length}）` : ''}`}
        </Text>
      </View>
      {tab === 'centre' ? (
        <StateView loading={s.loading} error={s.error} empty={s.campaigns.length === 0} emptyText='暂时没有可领的优惠券' onRetry={() => void s.refresh()}>
          {s.campaigns.map((c) => (
            <View key={c.campaignId} className='coupon'>
              <View className='coupon__value'>
                <Text className='coupon__amount'>{formatFen(c.discountFen)}</Text>
                <Text className='coupon__cond'>{c.thresholdFen ? `满${formatFen(c.thresholdFen)}可用` : '无门槛'}</Text>
              </View>
              <View className='coupon__body'>
                <Text className='coupon__title'>{c.title}</Text>
                {c.remaining != null && <Text className='muted'>{`剩余 ${c.remaining} 张`}</Text>}
              </View>
              <Button className='btn-primary coupon__btn' size='mini' loading={s.claimingId === c.campaignId} onClick={() => void claim(c.campaignId)}>
                领取
              </Button>
            </View>
          ))}
        </StateView>
      ) : (
        <StateView loading={s.loading} error={s.error} empty={s.mine.length === 0} emptyText='还没有优惠券，去领券中心看看' onRetry={() => void s.refresh()}>
          {s.mine.map((c) => (
            <View key={c.couponId} className={`coupon ${c.status === 'ACTIVE' || c.status === 'UNUSED' ? '' : 'coupon--off'}`}>
              <View className='coupon__value'>
                <Text className='coupon__amount'>{formatFen(c.discountFen)}</Text>
                <Text className='coupon__cond'>{c.thresholdFen ? `满${formatFen(c.thresholdFen)}可用` : '无门槛'}</Text>
              </View>
              <View className='coupon__body'>
                <Text className='coupon__title'>{c.title}</Text>
                <Text className='muted'>{`券码 ${c.code}`}</Text>
                {c.validUntil ? <Text className='muted'>{`有效期至 ${formatDateTime(c.validUntil)}`}</Text> : null}
              </View>
              <Text className='coupon__state'>{COUPON_STATUS_LABEL[c.status] ?? c.status}</Text>
            </View>
          ))}
        </StateView>
      )}
    </View>
  )
}
