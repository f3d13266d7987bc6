import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro'
import { useMemo } from 'react'
import Countdown from '@/components/Countdown'
import { formatDateTime, formatFen } from '@/components/format'
import { ORDER_STATUS_LABEL } from '@/components/labels'
import OrderTimeline from '@/components/OrderTimeline'
import PickupCode from '@/components/PickupCode'
import { pickupQrDataUrl } from '@/components/PickupCode/qr'
import StateView from '@/components/StateView'
import { friendlyMessage } from '@/components/error-copy'
import { isCancellable } from '@/shared/domain/order'
import { useOrdersStore } from '@/stores/orders'
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
  })
  usePullDownRefresh(async () => {
    await s.loadOrder(id)
    Taro.stopPullDownRefresh()
  })

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
        <Text className='order__status-text'>{ORDER_STATUS_LABEL[order.status]}</Text>
        {order.status === 'PENDING_PAYMENT' && <Countdown to={order.expiresAt} prefix='剩余支付时间' endedText='支付已超时' />}
        {order.status === 'PAID' && <Text className='order__status-sub'>成团并到货后，这里会出现提货码</Text>}
      </View>
      {order.pickupCode && (order.status === 'READY_FOR_PICKUP' || order.status === 'PICKED_UP') && (
        <PickupCodeView code={order.pickupCode} expiresAt={order.pickupExpiresAt} used={order.status === 'PICKED_UP'} />
      )}
      <View className='section'>
        <Text className='section__title'>{order.title}</Text>
        {order.seq !== undefined && (
          <View className='row'>
            <Text className='muted'>跟团号</Text>
            <Text>{`#${order.seq}`}</Text>
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
        {order.servedQuantity < order.quantity && order.status !== 'REFUNDED' && (
          <View className='row order__short'>
            <Text className='muted'>到货不足</Text>
            <Text>{`实发 ${order.servedQuantity}/${order.quantity}${order.refundedFen === 0 ? '，少发部分退款中' : ''}`}</Text>
          </View>
        )}
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
      {isCancellable(order.status) && (
        <View className='bottom-bar order__actions'>
          <Button className='order__cancel' disabled={s.acting} onClick={() => void cancel()}>
            取消订单
          </Button>
          <Button className='btn-primary order__pay' loading={s.acting} disabled={s.acting} onClick={() => void pay()}>
            {`去支付 ${formatFen(order.amountFen)}`}
          </Button>
        </View>
      )}
    </View>
  )
}
