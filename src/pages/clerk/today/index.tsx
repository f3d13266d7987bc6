import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { useState } from 'react'
import { formatSeq, formatTime } from '@/components/format'
import QuantityStepper from '@/components/QuantityStepper'
import StateView from '@/components/StateView'
import type { PickupTodayItem, VerificationView } from '@/shared/contracts/pickup'
import { contactLine } from '@/shared/domain/contact'
import { friendlyMessage } from '@/components/error-copy'
import { useClerkStore } from '@/stores/clerk'
import './index.scss'

function outcomeText(v: VerificationView): string {
  const what = v.kind === 'pickup' ? '提货' : v.kind === 'voucher' ? '服务券' : '优惠券'
  if (v.outcome === 'PICKED_UP' || v.outcome === 'REDEEMED') return `${what} · 核销成功`
  if (v.outcome === 'HANDED_PART') return `${what} · 部分提货`
  return `${what} · ${friendlyMessage({ code: v.outcome, message: '' })}`
}

/** One waiting order: 跟团号, the 收货人 (称呼 · 尾号 · 备注), what to hand over, and 交付 after checking the person. */
function ReadyRow({ item }: { item: PickupTodayItem }) {
  const verifying = useClerkStore((s) => s.verifying)
  // 部分提货: the clerk may hand over fewer than are left (the rest stays 待提货).
  const [count, setCount] = useState(item.leftQuantity)
  const take = Math.min(count, item.leftQuantity)
  const who = contactLine(item.contact) || item.maskedName
  const handOver = async () => {
    const { confirm } = await Taro.showModal({ title: '核对后交付', content: `${formatSeq(item.seq)} ${who}\n${item.title} ×${take}${take < item.leftQuantity ? `（剩 ${item.leftQuantity - take} 待提）` : ''}` })
    if (!confirm) return
    const r = await useClerkStore.getState().handOver(item.orderId, take < item.leftQuantity ? take : undefined)
    if (!r) return
    if (r.kind === 'failure') void Taro.showToast({ title: friendlyMessage(r.error), icon: 'none' })
    else void Taro.showToast({ title: '已交付', icon: 'success' })
  }
  return (
    <View className='row clerk-today__row' id={`ready-${item.orderId}`}>
      <View className='clerk-today__who'>
        <Text className='clerk-today__seq'>{formatSeq(item.seq)}</Text>
        <Text>{` ${who}`}</Text>
        <Text className='muted clerk-today__title'>{item.title}</Text>
      </View>
      {item.leftQuantity > 1 ? (
        <QuantityStepper value={take} max={item.leftQuantity} onChange={setCount} />
      ) : (
        <Text>{item.leftQuantity < item.quantity ? `×${item.leftQuantity}（订 ${item.quantity}）` : `×${item.quantity}`}</Text>
      )}
      <Button size='mini' className='btn-primary clerk-today__hand' disabled={verifying} onClick={() => void handOver()}>
        交付
      </Button>
    </View>
  )
}

/** The counter's day: how many are waiting and were handed over, the latest attempts, then who is still to come. */
export default function ClerkTodayPage() {
  const [query, setQuery] = useState('')
  const search = useClerkStore((s) => s.search)
  const today = useClerkStore((s) => s.today)
  const { recent, counts } = useClerkStore((s) => s.todayHeader)
  const { refreshToday, loadMoreToday } = useClerkStore.getState()
  useDidShow(() => void refreshToday())
  usePullDownRefresh(async () => {
    await refreshToday()
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => void loadMoreToday())
  return (
    <View className='page'>
      <StateView
        loading={today.loading || !today.loaded}
        error={today.error}
        empty={today.items.length === 0 && recent.length === 0 && !counts}
        emptyText='今天还没有待提货的订单'
        onRetry={() => void refreshToday()}
      >
        {counts && (
          <View className='section'>
            <Text className='section__title'>{`待提货 ${counts.readyCount} 单 · 今日已提货 ${counts.pickedUpToday} 单`}</Text>
          </View>
        )}
        {recent.length > 0 && (
          <View className='section'>
            <Text className='section__title'>最近核销</Text>
            {recent.map((v, i) => (
              <View key={`${v.at}-${i}`} className='row'>
                <Text>{outcomeText(v)}</Text>
                <Text className='muted'>{formatTime(v.at)}</Text>
              </View>
            ))}
          </View>
        )}
        <View className='section clerk-today__search'>
          <Input
            className='input'
            id='clerk-search'
            type='number'
            maxlength={4}
            placeholder='输入手机尾号（4 位）或跟团号查找'
            value={query}
            onInput={(e) => {
              setQuery(e.detail.value)
              void useClerkStore.getState().searchToday(e.detail.value)
            }}
          />
          {search.results && (
            <View>
              <Text className='section__title'>{search.loading ? '查找中…' : `找到 ${search.results.length} 单`}</Text>
              {search.results.map((i) => <ReadyRow key={i.orderId} item={i} />)}
            </View>
          )}
          {search.error && <Text className='muted'>{friendlyMessage(search.error)}</Text>}
        </View>
        <View className='section'>
          <Text className='section__title'>待提货订单</Text>
          {today.items.length === 0 && <Text className='muted'>暂无待提货订单</Text>}
          {today.items.map((i) => (
            <View key={i.orderId}>
              <ReadyRow item={i} />
              <Text className='muted'>{`${formatTime(i.readyAt)} 到货`}</Text>
            </View>
          ))}
        </View>
        <View className='load-more'>{today.loadingMore ? '加载中…' : today.nextCursor ? '上拉加载更多' : '没有更多了'}</View>
      </StateView>
    </View>
  )
}
