import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro'
import { friendlyMessage } from '@/components/error-copy'
import { formatDateTime, formatFen } from '@/components/format'
import Gallery from '@/components/Gallery'
import { OFFER_STATUS_LABEL, PURCHASE_ORDER_STATUS_LABEL } from '@/components/labels'
import PointProgress from '@/components/PointProgress'
import StateView from '@/components/StateView'
import MissingLink from '@/components/MissingLink'
import { useMerchantStore } from '@/stores/merchant'
import './index.scss'

export default function MerchantOfferPage() {
  const { params } = useRouter()
  // Notices link here with ?offerId= (server/supply/purchase-orders.ts); lists link with the same.
  const offerId = params.offerId ?? params.id ?? ''
  const m = useMerchantStore()
  const offer = m.offers.items.find((o) => o.offerId === offerId) ?? null
  const pos = m.purchaseOrders.offerId === offerId ? m.purchaseOrders : null

  const reload = () => Promise.all([m.refreshOffers(), m.loadPurchaseOrders(offerId)])
  useDidShow(() => void reload())
  usePullDownRefresh(async () => {
    await reload()
    Taro.stopPullDownRefresh()
  })

  if (!offerId) return <MissingLink what='货源' />
  if (!offer) {
    return (
      <View className='page'>
        <StateView loading={m.offers.loading || !m.offers.loaded} error={m.offers.error} empty emptyText='货源不存在' onRetry={() => void reload()} />
      </View>
    )
  }

  const ship = async (purchaseOrderId: string, pointName: string) => {
    const { confirm } = await Taro.showModal({ title: '标记已发货', content: `确认已向「${pointName}」发货？团长会收到发货通知。` })
    if (!confirm) return
    const done = await m.markShipped(purchaseOrderId)
    void Taro.showToast({ title: done ? '已标记发货' : friendlyMessage(useMerchantStore.getState().shipError), icon: done ? 'success' : 'none' })
  }

  return (
    <View className='page merchant-offer-page'>
      <Gallery urls={offer.product.imageUrls} placeholder={offer.product.name} />
      <View className='section'>
        <View className='row'>
          <Text className='section__title merchant-offer-page__name'>{offer.product.name}</Text>
          <Text className='tag'>{OFFER_STATUS_LABEL[offer.status]}</Text>
        </View>
        <Text className='muted'>{`${formatDateTime(offer.startAt)} – ${formatDateTime(offer.endAt)}`}</Text>
        <Text className='merchant-offer-page__line'>{`供货价 ${formatFen(offer.supplyPriceFen)} · 团长售价 ${formatFen(offer.minPriceFen)}–${formatFen(offer.maxPriceFen)} · 佣金 ${offer.commissionBp / 100}%`}</Text>
        <Text className='merchant-offer-page__line'>{`库存 ${offer.stock} · 已认领 ${offer.allocated} · 已售 ${offer.sold} · 剩余 ${offer.stockLeft}${offer.product.unit}`}</Text>
      </View>
      <View className='section'>
        <Text className='section__title'>各自提点进度</Text>
        {offer.points.length === 0 ? (
          <Text className='muted'>还没有团长从这个货源开团</Text>
        ) : (
          offer.points.map((p) => <PointProgress key={p.pickupPointId} name={p.name} allocated={p.allocated} sold={p.sold} unit={offer.product.unit} />)
        )}
      </View>
      <View className='section'>
        <Text className='section__title'>采购单（按自提点）</Text>
        <StateView
          loading={!pos || pos.loading || !pos.loaded}
          error={pos?.error ?? null}
          empty={!pos || pos.items.length === 0}
          emptyText='团购结束并成团后，这里会按自提点生成采购单'
          onRetry={() => void m.loadPurchaseOrders(offerId)}
        >
          {pos?.items.map((po) => (
            <View key={po.purchaseOrderId} className='merchant-po'>
              <View className='row'>
                <Text className='merchant-po__point'>{`${po.pickupPointName}（${po.storeName}）`}</Text>
                <Text className={`tag ${po.status === 'OPEN' ? '' : 'tag--done'}`}>{PURCHASE_ORDER_STATUS_LABEL[po.status]}</Text>
              </View>
              <Text className='muted'>{`送货地址：${po.address}`}</Text>
              <Text className='merchant-po__qty'>{`应发 ${po.quantity}${offer.product.unit}${po.receivedQuantity !== null ? ` · 实收 ${po.receivedQuantity}${offer.product.unit}` : ''}`}</Text>
              {po.shippedAt ? <Text className='muted'>{`发货时间 ${formatDateTime(po.shippedAt)}`}</Text> : null}
              {po.status === 'OPEN' && (
                <Button
                  className='btn-primary merchant-po__ship'
                  size='mini'
                  loading={m.shippingId === po.purchaseOrderId}
                  disabled={m.shippingId !== null}
                  onClick={() => void ship(po.purchaseOrderId, po.pickupPointName)}
                >
                  标记已发货
                </Button>
              )}
            </View>
          ))}
        </StateView>
      </View>
    </View>
  )
}
