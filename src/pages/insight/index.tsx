import { Text, View } from '@tarojs/components'
import { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import Taro from '@tarojs/taro'
import { useEffect, useMemo } from 'react'
import { formatFen } from '@/components/format'
import SalesChart from '@/components/SalesChart'
import StateView from '@/components/StateView'
import { INSIGHT_RANGES as RANGES, useInsightStore } from '@/stores/insight'
import { percentText } from './chart'
import './index.scss'

/**
 * 销售看板: sales per day and per pickup point as charts (SalesChart), and a table per product. A merchant sees their own
 * goods, a leader or clerk their pickup point, the admin everything (the backend decides; only sums arrive).
 */
export default function InsightPage() {
  const { days, data, error, loading, load, pick, reset } = useInsightStore()
  // The dashboard belongs to this visit of the page: leaving it forgets the figures and the chosen range.
  useEffect(() => reset, [reset])
  useDidShow(() => void load())
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()))

  const totals = data && {
    orders: data.days.reduce((s, d) => s + d.orders, 0),
    salesFen: data.days.reduce((s, d) => s + d.salesFen, 0),
    refundsFen: data.days.reduce((s, d) => s + d.refundsFen, 0),
  }
  const dayPoints = useMemo(() => data?.days.map((d) => ({ label: d.day.slice(5), fen: d.salesFen, refundFen: d.refundsFen })) ?? [], [data])
  const pointPoints = useMemo(() => data?.points.map((p) => ({ label: p.name || '自提点', fen: p.salesFen })) ?? [], [data])

  return (
    <View className='page insight'>
      <View className='insight__ranges'>
        {RANGES.map((r) => (
          <Text key={r} className={`insight__range ${r === days ? 'insight__range--on' : ''}`} onClick={() => void pick(r)}>
            近 {r} 天
          </Text>
        ))}
      </View>
      {!data ? (
        <StateView loading={loading} error={error} empty emptyText='' onRetry={() => void load()} />
      ) : (
        <>
          <View className='section insight__totals'>
            <View className='insight__total'><Text className='insight__total-value'>{totals!.orders}</Text><Text className='muted'>付款订单</Text></View>
            <View className='insight__total'><Text className='insight__total-value'>{formatFen(totals!.salesFen)}</Text><Text className='muted'>销售额</Text></View>
            <View className='insight__total'><Text className='insight__total-value'>{formatFen(totals!.refundsFen)}</Text><Text className='muted'>退款</Text></View>
            <View className='insight__total'><Text className='insight__total-value'>{percentText(data.repeatRate)}</Text><Text className='muted'>复购率</Text></View>
          </View>

          <View className='section'>
            <Text className='section__title'>每日销售额</Text>
            <SalesChart kind='column' points={dayPoints} />
          </View>

          <View className='section'>
            <Text className='section__title'>各自提点</Text>
            {data.points.length === 0 && <Text className='muted'>这段时间还没有销售</Text>}
            {data.points.length > 0 && <SalesChart kind='bar' points={pointPoints} />}
            {data.points.map((p) => (
              <View key={p.pickupPointId} className='insight__hbar-row'>
                <View className='insight__hbar-label'>
                  <Text>{p.name || '自提点'}</Text>
                  <Text>{formatFen(p.salesFen)} · {p.units} 件 · 成团率 {percentText(p.fillRate)}{p.shortageUnits ? ` · 缺货 ${p.shortageUnits}` : ''}</Text>
                </View>
              </View>
            ))}
          </View>

          <View className='section'>
            <Text className='section__title'>商品</Text>
            <View className='insight__table-head'>
              <Text className='insight__c-name'>商品</Text>
              <Text className='insight__c-num'>件数</Text>
              <Text className='insight__c-num'>销售额</Text>
              <Text className='insight__c-num'>评分</Text>
            </View>
            {data.products.map((p) => (
              <View key={p.productId ?? p.name} className='insight__table-row'>
                <Text className='insight__c-name'>{p.name}{p.topTags.length ? `（${p.topTags.join('、')}）` : ''}</Text>
                <Text className='insight__c-num'>{p.units}</Text>
                <Text className='insight__c-num'>{formatFen(p.salesFen)}</Text>
                <Text className='insight__c-num'>{p.ratingAvg === null ? '—' : p.ratingAvg.toFixed(1)}</Text>
              </View>
            ))}
          </View>
        </>
      )}
    </View>
  )
}
