import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { useState } from 'react'
import CouponCode from '@/components/CouponCode'
import { couponUsability, validityText } from '@/components/CouponCode/usability'
import { formatFen } from '@/components/format'
import StateView from '@/components/StateView'
import type { CouponCampaignView } from '@/shared/contracts/coupon'
import { friendlyMessage } from '@/components/error-copy'
import { isClaimableHere, useCouponStore } from '@/stores/coupon'
import { useSessionStore } from '@/stores/session'
import { ensureSession } from '@/stores/use-session-ready'
import './index.scss'

/** Why a campaign cannot be claimed, as its button says it; null when it can. */
function claimBlocker(c: CouponCampaignView): string | null {
  if (c.claimedByMe >= c.limitPerUser) return c.priceFen > 0 ? '已购买' : '已领取'
  if (c.remaining <= 0) return c.priceFen > 0 ? '已售罄' : '已领完'
  return null
}

/** The button of a campaign I may take: free ones are claimed, paid ones bought; a left pay sheet resumes. */
function claimLabel(c: CouponCampaignView, resumable: boolean): string {
  if (c.priceFen === 0) return '领取'
  return resumable ? '继续支付' : `购买 ${formatFen(c.priceFen)}`
}

export default function CouponsPage() {
  const s = useCouponStore()
  const pickupPointId = useSessionStore((x) => x.pickupPointId)
  const [tab, setTab] = useState<'centre' | 'mine'>('centre')
  const refresh = async () => {
    await ensureSession()
    await useCouponStore.getState().refresh(useSessionStore.getState().pickupPointId)
  }
  useDidShow(() => void refresh())
  usePullDownRefresh(async () => {
    await refresh()
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => {
    if (tab === 'mine') void s.loadMoreMine()
  })

  const claim = async (c: CouponCampaignView) => {
    const done = await s.claim(c.campaignId, pickupPointId)
    const success = c.priceFen > 0 ? '购买成功' : '领取成功'
    void Taro.showToast({ title: done ? success : friendlyMessage(useCouponStore.getState().claimError), icon: done ? 'success' : 'none' })
    if (done) setTab('mine')
  }

  const now = Date.now()
  // Usable coupons first: the one to show at the counter should not be below the used ones.
  const mine = [...s.mine.items].sort((a, b) => Number(couponUsability(b, now).kind === 'usable') - Number(couponUsability(a, now).kind === 'usable'))

  return (
    <View className='page'>
      <View className='coupons__tabs'>
        <Text className={`coupons__tab ${tab === 'centre' ? 'coupons__tab--on' : ''}`} onClick={() => setTab('centre')}>
          领券中心
        </Text>
        <Text className={`coupons__tab ${tab === 'mine' ? 'coupons__tab--on' : ''}`} onClick={() => setTab('mine')}>
          {`我的优惠券${s.mine.items.length ? `（${s.mine.items.length}）` : ''}`}
        </Text>
      </View>
      {tab === 'centre' ? (
        <StateView
          loading={s.campaignsLoading && s.campaigns.length === 0}
          error={s.campaignsError}
          empty={s.campaigns.length === 0}
          emptyText='暂时没有可领的优惠券'
          onRetry={() => void refresh()}
        >
          {s.campaigns.map((c) => {
            // A purchase whose pay sheet was left holds my quota until it expires: let me finish paying for it.
            const resumable = c.priceFen > 0 && Boolean(s.claimRequestIds[c.campaignId])
            const blocker = resumable ? null : claimBlocker(c)
            return (
              <View key={c.campaignId} className={`coupon ${isClaimableHere(c) || resumable ? '' : 'coupon--off'}`}>
                <View className='coupon__value'>
                  <Text className='coupon__amount'>{formatFen(c.valueFen)}</Text>
                  <Text className='coupon__cond'>{c.priceFen > 0 ? `售价 ${formatFen(c.priceFen)}` : '免费领取'}</Text>
                </View>
                <View className='coupon__body'>
                  <Text className='coupon__title'>{c.title}</Text>
                  <Text className='muted'>{`剩余 ${c.remaining} 张 · 每人限领 ${c.limitPerUser} 张`}</Text>
                  <Text className='muted'>{validityText(c.validFrom, c.validTo)}</Text>
                </View>
                <Button
                  className='btn-primary coupon__btn'
                  size='mini'
                  disabled={blocker !== null || s.claimingId !== null}
                  loading={s.claimingId === c.campaignId}
                  onClick={() => void claim(c)}
                >
                  {blocker ?? claimLabel(c, resumable)}
                </Button>
              </View>
            )
          })}
        </StateView>
      ) : (
        <StateView
          loading={s.mine.loading && s.mine.items.length === 0}
          error={s.mine.error}
          empty={s.mine.loaded && s.mine.items.length === 0}
          emptyText='还没有优惠券，去领券中心看看'
          onRetry={() => void refresh()}
        >
          {mine.map((c) => (
            <CouponCode key={c.couponId} coupon={c} now={now} />
          ))}
          {s.mine.nextCursor ? <View className='load-more'>{s.mine.loadingMore ? '加载中…' : '上拉加载更多'}</View> : null}
        </StateView>
      )}
    </View>
  )
}
