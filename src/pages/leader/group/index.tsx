import { Button, Text, View } from '@tarojs/components'
import { useState } from 'react'
import ArrivalSheet from '@/components/ArrivalSheet'
import Gallery from '@/components/Gallery'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter, useShareAppMessage } from '@tarojs/taro'
import Countdown from '@/components/Countdown'
import { formatFen, formatSeq, formatTime } from '@/components/format'
import { ORDER_STATUS_LABEL } from '@/components/labels'
import GroupProgress from '@/components/GroupProgress'
import Poster from '@/components/Poster'
import type { PosterData } from '@/components/Poster/draw'
import RatingList, { RatingBadge } from '@/components/RatingList'
import StateView from '@/components/StateView'
import StatusTag from '@/components/StatusTag'
import { friendlyMessage } from '@/components/error-copy'
import MissingLink from '@/components/MissingLink'
import { ORDER_STATUSES, type OrderStatus } from '@/shared/contracts/order'
import { useGroupBuyStore } from '@/stores/group-buy'
import { contactLine } from '@/shared/domain/contact'
import { arrivalWaitsForEnd, canCloseEarly, isArrivalSignOffOpen } from '@/shared/domain/pickup'
import { useLeaderStore } from '@/stores/leader'
import { useRatingsStore } from '@/stores/ratings'
import { useSessionStore } from '@/stores/session'
import { useSupplyStore } from '@/stores/supply'
import './index.scss'

const statusLabel = (s: string) =>
  (ORDER_STATUSES as readonly string[]).includes(s) ? ORDER_STATUS_LABEL[s as OrderStatus] : s

export default function LeaderGroupPage() {
  const { params } = useRouter()
  // Notices open this page with ?groupBuyId= (server/payments/payment-flow.ts), lists with ?id=.
  const id = params.id ?? params.groupBuyId ?? ''
  const detail = useGroupBuyStore()
  const leader = useLeaderStore()
  const openid = useSessionStore((s) => s.openid)
  const gb = detail.current?.groupBuyId === id ? detail.current : null
  const parts = leader.participants
  const supply = useSupplyStore()
  const [arrivalOpen, setArrivalOpen] = useState(false)
  const [posterOpen, setPosterOpen] = useState(false)
  const shareCode = useLeaderStore((s) => (s.shareCode?.groupBuyId === id ? s.shareCode : null))
  const ratings = useRatingsStore((s) => (s.group.groupBuyId === id ? s.group : null))
  const loadMoreRatings = useRatingsStore((s) => s.loadMoreGroup)

  const reload = () => Promise.all([detail.load(id), leader.refreshParticipants(id), useRatingsStore.getState().loadGroup(id)])
  useDidShow(() => {
    if (id) void reload()
  })
  usePullDownRefresh(async () => {
    await reload()
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => void leader.loadMoreParticipants())
  // Leader attribution travels in the path, so whoever opens the share lands on this group buy via this leader.
  useShareAppMessage(() => ({
    title: gb ? `【${formatFen(gb.priceFen)}】${gb.title}，${gb.minParticipants}人成团` : '邻里团',
    path: `/pages/resident/detail/index?id=${id}&leader=${encodeURIComponent(openid ?? '')}`,
  }))

  if (!id) return <MissingLink what='团购' />
  if (!gb) {
    return (
      <View className='page'>
        <StateView loading={!detail.error} error={detail.error} empty emptyText='' onRetry={() => void reload()} />
      </View>
    )
  }

  const canSignOff = isArrivalSignOffOpen(gb)
  const closeNow = async () => {
    const full = gb.paidParticipants >= gb.minParticipants
    const { confirm } = await Taro.showModal({
      title: '截团',
      content: full ? '现在截团：不再接受新的参团，已付款的订单成团，之后即可确认到货。' : `还未达到 ${gb.minParticipants} 人成团，现在截团将全部原路退款。`,
    })
    if (!confirm) return
    const done = await leader.close(id)
    if (!done) {
      void Taro.showToast({ title: friendlyMessage(useLeaderStore.getState().arriveError), icon: 'none' })
      return
    }
    void Taro.showToast({ title: done.status === 'CLOSED' ? '已截团，可以确认到货了' : '已截团，未成团订单将退款', icon: 'none' })
    void detail.load(id)
  }
  const openSignOff = async () => {
    setArrivalOpen(true)
    await supply.loadPickList(id)
  }
  const signOff = async (receivedQuantity: number | undefined) => {
    const done = await leader.markArrived(id, receivedQuantity)
    if (!done) {
      void Taro.showToast({ title: friendlyMessage(useLeaderStore.getState().arriveError), icon: 'none' })
      return
    }
    setArrivalOpen(false)
    const shortText = done.shortOrders > 0 ? `，${done.shortOrders} 单缺货已退 ${formatFen(done.refundedFen)}` : ''
    void Taro.showToast({ title: `已通知 ${done.readyOrders} 位团员提货${shortText}`, icon: 'none' })
    void detail.load(id)
  }
  const openPoster = () => {
    setPosterOpen(true)
    void leader.loadShareCode(id)
  }
  const code = shareCode?.code
  const poster: PosterData | null = code
    ? {
        title: gb.title, priceFen: gb.priceFen, originalPriceFen: gb.originalPriceFen, unit: gb.unit, tiers: gb.priceTiers ?? [],
        paidParticipants: gb.paidParticipants, minParticipants: gb.minParticipants, endAt: gb.endAt,
        pickupPointName: code.poster.pickupPointName, pickupPointAddress: code.poster.pickupPointAddress, leaderName: code.poster.leaderName,
        photoUrl: gb.imageUrls[0] ?? '', codeUrl: code.tempFileURL,
      }
    : null
  const pickItems = supply.pickList.groupBuyId === id ? supply.pickList.items.filter((i) => i.status === 'PAID') : []

  return (
    <View className='page'>
      <Gallery urls={gb.imageUrls} placeholder={gb.title} />
      <View className='section'>
        <View className='row'>
          <Text className='leader-group__title'>{gb.title}</Text>
          <StatusTag status={gb.status} />
        </View>
        <GroupProgress paid={gb.paidParticipants} min={gb.minParticipants} />
        <View className='row'>
          <Text className='muted'>{`${formatFen(gb.priceFen)} · 剩余 ${gb.stockLeft}/${gb.stock}${gb.unit}`}</Text>
          {gb.status === 'OPEN' || gb.status === 'SUCCEEDED' ? <Countdown to={gb.endAt} /> : null}
        </View>
        {gb.arrivedAt ? <Text className='leader-group__arrived'>{`已于 ${formatTime(gb.arrivedAt)} 确认到货`}</Text> : null}
        {leader.arriveError && <Text className='leader-group__error'>{friendlyMessage(leader.arriveError)}</Text>}
        <View className='row leader-group__links'>
          <Text className='leader-group__link' onClick={() => Taro.navigateTo({ url: `/pages/leader/picklist/index?id=${id}` })}>
            拣货单 / 导出 ›
          </Text>
        </View>
      </View>
      <View className='section'>
        <Text className='section__title'>{`参团名单（${parts.items.length}）`}</Text>
        <StateView
          loading={parts.loading || !parts.loaded}
          error={parts.error}
          empty={parts.items.length === 0}
          emptyText='还没有人参团，分享给邻居吧'
          onRetry={() => void leader.refreshParticipants(id)}
        >
          {parts.items.map((p, k) => (
            <View key={p.seq ?? `unpaid-${k}`} className='row leader-group__participant'>
              <Text className='leader-group__seq'>{formatSeq(p.seq)}</Text>
              <Text className='leader-group__name'>{contactLine(p.contact) || p.maskedName}</Text>
              {p.fromPoster && <Text className='leader-group__from-poster'>来自海报</Text>}
              <Text>{p.servedQuantity !== undefined && p.servedQuantity < p.quantity ? `×${p.servedQuantity}（订 ${p.quantity}）` : `×${p.quantity}`}</Text>
              <Text className='muted leader-group__status'>{statusLabel(p.status)}</Text>
            </View>
          ))}
          {parts.nextCursor && <View className='load-more'>上拉加载更多</View>}
        </StateView>
      </View>
      <View className='section'>
        <View className='row'>
          <Text className='section__title leader-group__ratings-title'>团员评价</Text>
          <RatingBadge rating={gb.rating ?? ratings?.aggregate} />
        </View>
        <StateView
          loading={!ratings || ratings.loading || !ratings.loaded}
          error={ratings?.error ?? null}
          empty={!ratings || ratings.items.length === 0}
          emptyText='还没有团员评价：提货后团员可以打分、写评价'
          onRetry={() => void useRatingsStore.getState().loadGroup(id)}
        >
          <RatingList items={ratings?.items ?? []} />
          {ratings?.nextCursor && (
            <View className='load-more' onClick={() => void loadMoreRatings()}>
              {ratings.loadingMore ? '加载中…' : '查看更多评价'}
            </View>
          )}
        </StateView>
      </View>
      {!canSignOff && !gb.arrivedAt && arrivalWaitsForEnd(gb) && gb.status === 'SUCCEEDED' && (
        <Text className='muted leader-group__hint'>
          {gb.offerId ? '已成团：截团后即可确认到货（帮卖货品按截团时的数量发货）' : '已成团：截团后即可确认到货（阶梯价截团时才定成交价）'}
        </Text>
      )}
      <View className='bottom-bar leader-group__actions'>
        <Button className='leader-group__share' openType='share'>
          分享给邻居
        </Button>
        {canCloseEarly(gb) && (
          <Button className='leader-group__close' disabled={leader.closing} loading={leader.closing} onClick={() => void closeNow()}>
            截团
          </Button>
        )}
        <Button className='leader-group__poster' onClick={openPoster}>
          生成海报
        </Button>
        {/* A label that changes is a new button (key): H5's <Button loading> puts its spinner among the button's
            children, React rewriting the text in place wiped it, and the next render failed (insertBefore, #22). */}
        <Button
          key={gb.arrivedAt ? '已确认到货' : '确认到货'}
          className='btn-primary leader-group__arrive'
          disabled={!canSignOff || leader.arriving}
          loading={leader.arriving}
          onClick={() => void openSignOff()}
        >
          {gb.arrivedAt ? '已确认到货' : '确认到货'}
        </Button>
      </View>
      <Poster
        visible={posterOpen}
        data={poster}
        error={shareCode?.error ? friendlyMessage(shareCode.error) : null}
        fileName={`邻里团海报-${gb.title}.png`}
        onClose={() => setPosterOpen(false)}
      />
      <ArrivalSheet
        visible={arrivalOpen}
        items={pickItems}
        priceFen={gb.priceFen}
        unit={gb.unit}
        submitting={leader.arriving}
        onClose={() => setArrivalOpen(false)}
        onConfirm={(q) => void signOff(q)}
      />
    </View>
  )
}
