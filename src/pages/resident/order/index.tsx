import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro'
import { useMemo, useState } from 'react'
import AfterSalesSheet from '@/components/AfterSalesSheet'
import Countdown from '@/components/Countdown'
import { formatDateTime, formatFen, formatSeq } from '@/components/format'
import { ORDER_STATUS_LABEL } from '@/components/labels'
import OrderTimeline from '@/components/OrderTimeline'
import PickupCode from '@/components/PickupCode'
import PickupPlace from '@/components/PickupPlace'
import DeliveryInfo from '@/components/DeliveryInfo'
import RatingSheet from '@/components/RatingSheet'
import { pickupQrDataUrl } from '@/components/PickupCode/qr'
import StateView from '@/components/StateView'
import VoucherCard from '@/components/VoucherCard'
import { friendlyMessage } from '@/components/error-copy'
import MissingLink from '@/components/MissingLink'
import { AFTER_SALES_REASON_LABELS, AFTER_SALES_WINDOW_MS } from '@/shared/domain/after-sales'
import { isCancellable } from '@/shared/domain/order'
import { useAfterPickupStore } from '@/stores/after-pickup'
import { useOrdersStore, type OrderDetail } from '@/stores/orders'
import { useSessionStore } from '@/stores/session'
import { useUploadsStore } from '@/stores/uploads'
import './index.scss'

/**
 * weapp renders the native component (src/components/native/pickup-code, declared in index.config.ts);
 * it stays dependency-free, so the QR is computed here. H5 cannot host native components: React PickupCode.
 */
function PickupCodeView({ code, expiresAt, used }: { code: string; expiresAt: number | null; used: boolean }) {
  const qr = useMemo(() => (process.env.TARO_ENV === 'weapp' ? pickupQrDataUrl(code) : ''), [code])
  if (process.env.TARO_ENV === 'weapp') {
    return <pickup-code code={code} expires={expiresAt ?? 0} qr={qr} used={used} />
  }
  return <PickupCode code={code} expiresAt={expiresAt} used={used} />
}

export default function OrderPage() {
  const { params } = useRouter()
  // Notices open this page with ?orderId= (server/payments/payment-flow.ts), lists with ?id=.
  const id = params.id ?? params.orderId ?? ''
  const s = useOrdersStore()
  const order = s.current?.orderId === id ? s.current : null

  useDidShow(() => {
    if (id) void useOrdersStore.getState().loadOrder(id)
    if (id) void useAfterPickupStore.getState().load(id)
  })
  usePullDownRefresh(async () => {
    await s.loadOrder(id)
    Taro.stopPullDownRefresh()
  })

  if (!id) return <MissingLink what='订单' />
  if (!order) {
    return (
      <View className='page'>
        <StateView loading={!s.currentError} error={s.currentError} empty emptyText='' onRetry={() => void s.loadOrder(id)} />
      </View>
    )
  }

  const pay = async () => {
    const paid = await s.pay(order.orderId)
    if (paid) void Taro.showToast({ title: '支付成功', icon: 'success' })
    else if (useOrdersStore.getState().actionError) {
      void Taro.showToast({ title: friendlyMessage(useOrdersStore.getState().actionError), icon: 'none' })
    }
  }
  const cancel = async () => {
    const { confirm } = await Taro.showModal({ title: '取消订单', content: '确定取消这个订单吗？' })
    if (!confirm) return
    const done = await s.cancel(order.orderId)
    void Taro.showToast({ title: done ? '订单已取消' : friendlyMessage(useOrdersStore.getState().actionError), icon: 'none' })
  }

  return (
    <View className='page order'>
      <View className='order__status'>
        <Text className='order__status-text'>{order.voucher && order.status === 'PAID' ? '已支付，待服务' : ORDER_STATUS_LABEL[order.status]}</Text>
        {order.status === 'PENDING_PAYMENT' && <Countdown to={order.expiresAt} prefix='剩余支付时间' endedText='支付已超时' />}
        {order.status === 'PAID' && !order.rollOver && !order.voucher && <Text className='order__status-sub'>成团并到货后，这里会出现提货码</Text>}
        {order.rollOver?.state === 'HELD' && order.status === 'PAID' && (
          <Text className='order__status-sub'>{`拼团未成，正在为你保留：${formatDateTime(order.rollOver.until)} 前团长开新团将自动转入，否则全额退款`}</Text>
        )}
        {order.rollOver?.state === 'MOVED' && (
          <Text className='order__status-sub order__rolled'>
            {`拼团未成，已为你保留到下一团${order.rollOver.groupBuyEndAt ? `，${formatDateTime(order.rollOver.groupBuyEndAt)} 截团` : ''}${order.rollOver.refundFen > 0 ? `，已退差价 ${formatFen(order.rollOver.refundFen)}` : ''}`}
          </Text>
        )}
      </View>
      {order.voucher && <VoucherCard orderId={order.orderId} groupBuyId={order.groupBuyId} voucher={order.voucher} />}
      {order.pickupCode && (order.status === 'READY_FOR_PICKUP' || order.status === 'PICKED_UP') && (
        <PickupCodeView code={order.pickupCode} expiresAt={order.pickupExpiresAt} used={order.status === 'PICKED_UP'} />
      )}
      {order.delivery ? (
        <DeliveryInfo delivery={order.delivery} storeName={order.pickup?.place?.storeName} />
      ) : (
        !order.voucher && <PickupPlace place={order.pickup?.place} pickupStartAt={order.pickup?.pickupStartAt} pickupEndAt={order.pickup?.pickupEndAt} />
      )}
      {order.status === 'READY_FOR_PICKUP' && !order.delivery && <ProxyPickup order={order} />}
      <View className='section'>
        <Text className='section__title'>{order.title}</Text>
        {typeof order.seq === 'number' && (
          <View className='row'>
            <Text className='muted'>跟团号</Text>
            <Text>{formatSeq(order.seq)}</Text>
          </View>
        )}
        <View className='row'>
          <Text className='muted'>数量</Text>
          <Text>{`×${order.quantity}`}</Text>
        </View>
        <View className='row'>
          <Text className='muted'>实付金额</Text>
          <Text className='order__amount'>{formatFen(order.amountFen)}</Text>
        </View>
        {order.status === 'READY_FOR_PICKUP' && (order.pickedQuantity ?? 0) > 0 && (
          <View className='row'>
            <Text className='muted'>已提货</Text>
            <Text id='order-picked'>{`${order.pickedQuantity}/${order.servedQuantity}，还可提 ${order.servedQuantity - (order.pickedQuantity ?? 0)}`}</Text>
          </View>
        )}
        {order.servedQuantity < order.quantity && order.status !== 'REFUNDED' && (
          <View className='row order__short'>
            <Text className='muted'>到货不足</Text>
            <Text>{`实发 ${order.servedQuantity}/${order.quantity}${order.refundedFen === 0 ? '，少发部分退款中' : ''}`}</Text>
          </View>
        )}
        {order.tierRefundFen ? (
          <View className='row order__tier'>
            <Text className='muted'>阶梯价退差价</Text>
            <Text className='order__refund-amount'>{`最终成交价 ${formatFen(order.finalPriceFen ?? order.priceFen)}，退 ${formatFen(order.tierRefundFen)}`}</Text>
          </View>
        ) : null}
        {order.refundedFen > 0 && (
          <View className='row order__refund'>
            <Text className='muted'>{order.refundedFen < order.amountFen ? '部分退款' : '已退款'}</Text>
            <Text className='order__refund-amount'>{formatFen(order.refundedFen)}</Text>
          </View>
        )}
        <View className='row'>
          <Text className='muted'>下单时间</Text>
          <Text>{formatDateTime(order.createdAt)}</Text>
        </View>
        <View
          className='row order__link'
          onClick={() => Taro.navigateTo({ url: `/pages/resident/detail/index?id=${order.groupBuyId}` })}
        >
          <Text className='muted'>查看团购</Text>
          <Text>›</Text>
        </View>
      </View>
      <View className='section'>
        <Text className='section__title'>订单进度</Text>
        <OrderTimeline order={order} />
      </View>
      {order.status === 'PICKED_UP' && <AfterPickup order={order} />}
      {order.rollOver?.state === 'MOVED' && order.rollOver.cancellable && (
        <View className='bottom-bar order__actions'>
          <Button className='order__cancel order__cancel-rolled' disabled={s.acting} onClick={() => void cancel()}>
            不要了，取消并退款
          </Button>
        </View>
      )}
      {isCancellable(order.status) && (
        <View className='bottom-bar order__actions'>
          <Button className='order__cancel' disabled={s.acting} onClick={() => void cancel()}>
            取消订单
          </Button>
          <Button key={`去支付 ${formatFen(order.amountFen)}`} className='btn-primary order__pay' loading={s.acting} disabled={s.acting} onClick={() => void pay()}>
            {`去支付 ${formatFen(order.amountFen)}`}
          </Button>
        </View>
      )}
    </View>
  )
}

/**
 * 代取: a one-time code for a neighbour who picks up for me; it works once, at my pickup point, and I am told when
 * it is used. Taking it back (撤销) makes it useless; my own code keeps working either way.
 */
function ProxyPickup({ order }: { order: OrderDetail }) {
  const s = useOrdersStore()
  const fail = () => void Taro.showToast({ title: friendlyMessage(useOrdersStore.getState().actionError), icon: 'none' })
  return (
    <View className='section order__proxy'>
      <Text className='section__title'>请人代取</Text>
      {order.delegateCode ? (
        <>
          <View className='row'>
            <Text className='muted'>代取码（仅可用一次）</Text>
            <Text className='order__proxy-code' id='order-proxy-code'>{order.delegateCode}</Text>
          </View>
          <Text className='muted'>把代取码发给帮你取货的邻居，店员核销后会通知你</Text>
          <Button size='mini' disabled={s.acting} onClick={() => void s.revokeDelegate(order.orderId).then((ok) => (ok ? undefined : fail()))}>
            撤销代取码
          </Button>
        </>
      ) : (
        <Button size='mini' disabled={s.acting} onClick={() => void s.delegate(order.orderId).then((ok) => (ok ? undefined : fail()))}>
          生成代取码
        </Button>
      )}
      <View className='row order__link' onClick={() => Taro.navigateTo({ url: `/pages/resident/my-code/index?pickupPointId=${order.pickup?.place?.pickupPointId ?? ''}` })}>
        <Text className='muted'>一码提走我在这个自提点的全部订单</Text>
        <Text>›</Text>
      </View>
    </View>
  )
}

const CASE_STATUS_LABEL = { PENDING: '处理中', APPROVED: '已同意', REJECTED: '未通过' } as const


/** After pickup: my rating (评价, editable for 24 h) and 售后 (until the deadline the server names, for what was picked up). */
function AfterPickup({ order }: { order: OrderDetail }) {
  const a = useAfterPickupStore()
  const photos = useUploadsStore()
  const openid = useSessionStore((x) => x.openid)
  const [sheet, setSheetState] = useState<'rate' | 'afterSales' | null>(null)
  const setSheet = (next: 'rate' | 'afterSales' | null) => {
    // Each sheet starts from its own photos: the rating's stored ones when editing, none for a new case.
    if (next === 'rate' && a.rating) photos.start(a.rating.images.map((fileId, i) => ({ fileId, url: a.rating!.imageUrls[i] || fileId })))
    else photos.reset()
    setSheetState(next)
  }
  const photoProps = {
    items: photos.items,
    onAdd: () => void photos.add(6, 'feedback', openid ?? 'me'),
    onRemove: (key: string) => photos.remove(key),
  }
  const readyPhotos = (): string[] | null => {
    if (photos.busy() || photos.items.some((i) => i.error)) {
      void Taro.showToast({ title: '请等照片上传完成，或删掉上传失败的照片', icon: 'none' })
      return null
    }
    return photos.fileIds()
  }
  const now = Date.now()
  const asked = a.cases.filter((c) => c.status !== 'REJECTED').reduce((n, c) => n + c.quantity, 0)
  const room = order.servedQuantity - asked
  // The deadline the server applies (its AFTER_SALES_WINDOW_MS); the default window only for an order read from a list.
  const until = order.afterSalesUntil ?? (order.pickedUpAt !== null ? order.pickedUpAt + AFTER_SALES_WINDOW_MS : null)
  const canAsk = until !== null && now <= until && room > 0
  const toastError = () => void Taro.showToast({ title: friendlyMessage(useAfterPickupStore.getState().error), icon: 'none' })
  return (
    <>
      <View className='section'>
        <Text className='section__title'>我的评价</Text>
        {a.rating ? (
          <View>
            <Text className='order__stars'>{'★'.repeat(a.rating.stars) + '☆'.repeat(5 - a.rating.stars)}</Text>
            {a.rating.tags.length > 0 && <Text className='muted'>{` ${a.rating.tags.join(' · ')}`}</Text>}
            {a.rating.text && <Text className='order__rating-text'>{a.rating.text}</Text>}
            {now < a.rating.editableUntil && (
              <View className='order__rating-edit'>
                <Button size='mini' onClick={() => setSheet('rate')}>修改评价</Button>
                <Text className='muted'>24 小时内可修改</Text>
              </View>
            )}
          </View>
        ) : (
          <Button className='btn-primary' onClick={() => setSheet('rate')}>评价一下</Button>
        )}
      </View>
      <View className='section'>
        <Text className='section__title'>售后</Text>
        {a.cases.map((c) => (
          <View key={c.caseId} className='order__case'>
            <View className='row'>
              <Text>{`${AFTER_SALES_REASON_LABELS[c.reason]} ×${c.quantity}`}</Text>
              <Text className={`order__case-status order__case-status--${c.status.toLowerCase()}`}>{CASE_STATUS_LABEL[c.status]}</Text>
            </View>
            {c.status === 'APPROVED' && <Text className='muted'>{`退款 ${formatFen(c.refundFen)}${c.refundStatus === 'DONE' ? '，已到账' : '，退款中'}`}</Text>}
            {c.status === 'REJECTED' && c.note && <Text className='muted'>{`说明：${c.note}`}</Text>}
          </View>
        ))}
        {canAsk ? (
          <View className='order__after-sales-ask'>
            <Button onClick={() => setSheet('afterSales')}>申请售后</Button>
            {until !== null && <Text className='muted'>{`${formatDateTime(until)} 前可申请售后`}</Text>}
          </View>
        ) : (
          a.cases.length === 0 && <Text className='muted'>{until !== null && now > until ? `售后申请已于 ${formatDateTime(until)} 截止` : '提货后可申请售后'}</Text>
        )}
      </View>
      {sheet === 'rate' && (
        <RatingSheet
          initial={a.rating ?? undefined}
          saving={a.saving}
          photos={photoProps}
          onClose={() => setSheet(null)}
          onSubmit={async (v) => {
            const images = readyPhotos()
            if (!images) return
            if (await a.saveRating(order.orderId, { ...v, images })) {
              setSheet(null)
              void Taro.showToast({ title: '感谢评价', icon: 'success' })
            } else toastError()
          }}
        />
      )}
      {sheet === 'afterSales' && (
        <AfterSalesSheet
          max={room}
          priceFen={order.priceFen}
          saving={a.saving}
          photos={photoProps}
          onClose={() => setSheet(null)}
          onSubmit={async (v) => {
            const images = readyPhotos()
            if (!images) return
            if (await a.requestAfterSales(order.orderId, { ...v, images })) {
              setSheet(null)
              void Taro.showToast({ title: '已提交，等待处理', icon: 'none' })
            } else toastError()
          }}
        />
      )}
    </>
  )
}
