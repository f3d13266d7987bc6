import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useRouter, useShareAppMessage } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import Countdown from '@/components/Countdown'
import Gallery from '@/components/Gallery'
import { formatDateTime } from '@/components/format'
import GroupProgress from '@/components/GroupProgress'
import JoinSheet, { type JoinContact, type JoinDelivery } from '@/components/JoinSheet'
import PickupPlace from '@/components/PickupPlace'
import Price from '@/components/Price'
import PriceTiers from '@/components/PriceTiers'
import RatingList, { RatingBadge } from '@/components/RatingList'
import StateView from '@/components/StateView'
import StatusTag from '@/components/StatusTag'
import { friendlyMessage } from '@/components/error-copy'
import MissingLink from '@/components/MissingLink'
import { isJoinableAt, maxJoinQuantity } from '@/shared/domain/group-buy'
import type { OnFail } from '@/shared/domain/roll-over'
import { sceneFromQuery } from '@/shared/domain/share-code'
import { useGroupBuyStore } from '@/stores/group-buy'
import { useRatingsStore } from '@/stores/ratings'
import { useSessionStore } from '@/stores/session'
import { ensureSession } from '@/stores/use-session-ready'
import './index.scss'

/** A few recent ratings: enough to decide on joining without scrolling past every review. */
const RECENT_RATINGS = 3

export default function DetailPage() {
  const { params } = useRouter()
  // Opened from a poster's code: WeChat passes the code's scene instead of an id; the scene names the group buy.
  const scene = sceneFromQuery(params.scene)
  const store = useGroupBuyStore()
  const id = params.id ?? (scene && store.scene === scene ? (store.current?.groupBuyId ?? '') : '')
  const [sheetOpen, setSheetOpen] = useState(false)
  const [onFail, setOnFail] = useState<OnFail>('REFUND')
  const gb = store.current?.groupBuyId === id ? store.current : null
  const ratings = useRatingsStore((s) => (s.group.groupBuyId === id ? s.group : null))
  const contact = useSessionStore((s) => s.contact)
  const sessionReady = useSessionStore((s) => s.status === 'ready')
  const contactAsked = useSessionStore((s) => s.contactAsked)

  useDidShow(() => {
    if (!id && scene) {
      void useGroupBuyStore.getState().loadByScene(scene)
      return
    }
    if (!id) return
    void useGroupBuyStore.getState().load(id)
    void useRatingsStore.getState().loadGroup(id)
    // Who I am (and whether I gave a 收货人 yet) decides whether the join sheet asks for one.
    void ensureSession()
  })
  // A detail opened by scene learns its id from the first load: its ratings follow.
  useEffect(() => {
    if (id && !params.id) void useRatingsStore.getState().loadGroup(id)
  }, [id, params.id])
  usePullDownRefresh(async () => {
    await Promise.all([store.load(id), useRatingsStore.getState().loadGroup(id)])
    Taro.stopPullDownRefresh()
  })
  useShareAppMessage(() => ({
    title: gb ? `${gb.title} 拼团中，一起来拼！` : '邻里团',
    // Keep whoever shared it in the path, so a leader's share stays attributed to them.
    path: `/pages/resident/detail/index?id=${id}${params.leader ? `&leader=${params.leader}` : ''}`,
  }))

  if (!(id || scene)) return <MissingLink what='团购' />
  if (!gb) {
    return (
      <View className='page'>
        <StateView loading={store.loading || !store.error} error={store.error} empty emptyText='' onRetry={() => void store.load(id)} />
      </View>
    )
  }

  const now = Date.now()
  const joinable = isJoinableAt({ ...gb, status: gb.status === 'UPCOMING' ? 'OPEN' : gb.status }, now)
  const maxQty = maxJoinQuantity({ ...gb, status: gb.status === 'UPCOMING' ? 'OPEN' : gb.status }, gb.myQuantity)
  const cta = !joinable
    ? gb.status === 'UPCOMING'
      ? '即将开团'
      : '已结束'
    : gb.stockLeft <= 0
      ? '已抢光'
      : maxQty < 1
        ? '已达限购'
        : gb.myQuantity > 0
          ? '再买一份'
          : '立即参团'

  // The 收货人 is asked once, at the first join (once given, the sheet does not ask again).
  const askContact = sessionReady && !contact && !contactAsked
  const confirm = async (quantity: number, contact?: JoinContact, delivery?: JoinDelivery) => {
    if (askContact) useSessionStore.getState().markContactAsked()
    if (contact) {
      // A new 收货人 keeps the delivery address too (a saved one gets it from the join itself).
      const err = await useSessionStore.getState().saveContact(delivery ? { ...contact, building: delivery.building, room: delivery.room } : contact)
      if (err) {
        void Taro.showToast({ title: friendlyMessage(err), icon: 'none' })
        return
      }
    }
    const outcome = await store.join(quantity, delivery ? 'REFUND' : onFail, delivery)
    // The join saved a typed address onto the 收货人: the next sheet starts from it.
    if (delivery) void useSessionStore.getState().load()
    if (!outcome) return
    setSheetOpen(false)
    if (!outcome.paid) void Taro.showToast({ title: friendlyMessage(outcome.error), icon: 'none' })
    void Taro.navigateTo({ url: `/pages/resident/order/index?id=${outcome.orderId}` })
  }

  return (
    <View className='page detail'>
      <Gallery urls={gb.imageUrls ?? []} placeholder='邻里团' />
      <View className='section'>
        <View className='detail__head'>
          <StatusTag status={gb.status} />
          <Text className='detail__title'>{gb.title}</Text>
        </View>
        <Price fen={gb.priceFen} originalFen={gb.originalPriceFen} size='large' />
        {gb.priceTiers && <PriceTiers tiers={gb.priceTiers} paidQuantity={gb.paidQuantity ?? 0} unit={gb.unit} finalPriceFen={gb.finalPriceFen} />}
        <GroupProgress paid={gb.paidParticipants} min={gb.minParticipants} />
        <View className='row'>
          {gb.status === 'UPCOMING' ? (
            <Countdown to={gb.startAt} prefix='距开团' endedText='已开团' />
          ) : gb.status === 'OPEN' || gb.status === 'SUCCEEDED' ? (
            <Countdown to={gb.endAt} />
          ) : (
            <Text className='muted'>{`已于 ${formatDateTime(gb.endAt)} 结束`}</Text>
          )}
          <Text className='muted'>{`剩余 ${gb.stockLeft}${gb.unit} · 每人限购 ${gb.limitPerUser}${gb.unit}`}</Text>
        </View>
        {gb.myQuantity > 0 && <Text className='detail__mine'>{`你已参团 ${gb.myQuantity}${gb.unit}`}</Text>}
        {gb.status === 'FAILED' && <Text className='detail__mine'>未达到成团人数，已支付的订单将原路退款</Text>}
      </View>
      <PickupPlace place={gb.pickupPoint} pickupStartAt={gb.pickupStartAt} pickupEndAt={gb.pickupEndAt} />
      {gb.description ? (
        <View className='section'>
          <Text className='section__title'>商品详情</Text>
          <Text className='detail__desc'>{gb.description}</Text>
        </View>
      ) : null}
      <View className='section detail__ratings'>
        <View className='row'>
          <Text className='section__title detail__ratings-title'>邻居评价</Text>
          <RatingBadge rating={gb.rating ?? ratings?.aggregate} />
        </View>
        <StateView
          loading={!ratings || ratings.loading || !ratings.loaded}
          error={ratings?.error ?? null}
          empty={!ratings || ratings.items.length === 0}
          emptyText='还没有评价，提货后来说说吧'
          onRetry={() => void useRatingsStore.getState().loadGroup(id)}
        >
          <RatingList items={(ratings?.items ?? []).slice(0, RECENT_RATINGS)} />
        </StateView>
      </View>
      <View className='bottom-bar'>
        <Button
          className='btn-primary'
          disabled={!joinable || maxQty < 1}
          onClick={() => {
            store.openJoin()
            setSheetOpen(true)
          }}
        >
          {cta}
        </Button>
      </View>
      {sheetOpen && (
        <JoinSheet
          title={gb.title}
          priceFen={gb.priceFen}
          unit={gb.unit}
          limitPerUser={gb.limitPerUser}
          maxQuantity={maxQty}
          alreadyHeld={gb.myQuantity}
          submitting={store.joining}
          error={store.joinError}
          askContact={askContact}
          onConfirm={(q, c, d) => void confirm(q, c, d)}
          onClose={() => setSheetOpen(false)}
          onFail={onFail}
          onFailChange={setOnFail}
          delivery={gb.kind === 'SERVICE' ? null : (gb.pickupPoint?.delivery ?? null)}
          savedAddress={contact}
        />
      )}
    </View>
  )
}
