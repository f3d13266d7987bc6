import { Button, Text, View } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import { formatDateTime, formatFen } from '@/components/format'
import StateView from '@/components/StateView'
import type { ReconcileMismatch } from '@/shared/contracts/ledger'
import { useReconcileStore } from '@/stores/reconcile'
import './index.scss'

const KIND: Record<ReconcileMismatch['kind'], string> = {
  PAID_MINUS_REFUNDED: '分账合计 ≠ 实付 − 退款',
  REFUNDED_FEN: '账本退款额 ≠ 微信支付退款额',
  SPLIT: '某方分成 ≠ 分账规则',
  NOT_RELEASED: '已提货但账本未记提货',
  BALANCE: '余额 ≠ 流水合计',
  NEGATIVE_BALANCE: '余额为负',
  ORDER_REFUNDED_FEN: '订单退款额 ≠ 已确认退款合计',
  ORDER_STATUS: '订单状态与退款不符',
  POINTS: '已提货但积分未入账',
  GROUP_COUNTS: '团购已付人数/件数 ≠ 订单重数',
  SALES_ROLLUP: '看板日汇总 ≠ 订单与退款重算',
}

/** 对账: the latest reconciliation of the ledger against WeChat Pay (settle runs one daily), and a run on demand. */
export default function AdminReconcilePage() {
  const { report, loading, running, error, shipping } = useReconcileStore()
  const { load, run } = useReconcileStore.getState()
  useDidShow(() => void load())
  return (
    <View className='page'>
      <View className='section'>
        <Button className='btn-primary' disabled={running} onClick={() => void run()}>
          {running ? '对账中…' : '立即对账'}
        </Button>
      </View>
      <StateView loading={loading} error={error} empty={!report} emptyText='还没有对账记录' onRetry={() => void load()}>
        {report && (
          <View className='section'>
            <Text className='section__title'>{`最近对账 · ${formatDateTime(report.at)}`}</Text>
            <Text className='muted'>{`核对订单 ${report.orders} 笔`}</Text>
            {report.mismatchCount === 0 ? (
              <Text className='reconcile__ok'>账实相符，0 笔差异</Text>
            ) : (
              <Text className='reconcile__bad'>{`发现 ${report.mismatchCount} 笔差异（不会自动修正）`}</Text>
            )}
            {report.mismatches.map((m, i) => (
              <View key={`${m.orderId ?? m.account}-${m.kind}-${i}`} className='reconcile__item'>
                <Text>{KIND[m.kind]}</Text>
                <Text className='muted'>{m.orderId ? `订单 ${m.orderId}` : `账户 ${m.account ?? ''}`}</Text>
                <Text className='muted'>{`应为 ${JSON.stringify(m.expected)} · 实为 ${JSON.stringify(m.actual)}`}</Text>
              </View>
            ))}
            {(report.debts ?? []).length > 0 && <Text className='section__title'>{`欠款 ${(report.debts ?? []).length} 个账户（从其后续收益中先行抵扣）`}</Text>}
            {(report.debts ?? []).map((d) => (
              <View key={d.account} className='reconcile__item'>
                <Text>{`账户 ${d.account}`}</Text>
                <Text className='reconcile__bad'>{`欠款 ${formatFen(d.debtFen)}`}</Text>
              </View>
            ))}
          </View>
        )}
      </StateView>
      {shipping && (
        <View className='section'>
          <Text className='section__title'>发货信息（微信支付结算前提）</Text>
          {shipping.count === 0 ? (
            <Text className='reconcile__ok'>已提货订单的发货信息均已被微信接收</Text>
          ) : (
            <Text className='reconcile__bad'>{`${shipping.count} 笔已提货订单的发货信息尚未被微信接收（自动重试中）`}</Text>
          )}
          {shipping.items.map((s) => (
            <View key={s.orderId} className='reconcile__item'>
              <Text>{s.itemDesc}</Text>
              <Text className='muted'>{`订单 ${s.orderId} · 提货 ${formatDateTime(s.handedOverAt)} · 已尝试 ${s.attempts} 次`}</Text>
              {s.lastError && <Text className='muted'>{`最近错误 ${s.lastError}`}</Text>}
            </View>
          ))}
        </View>
      )}
    </View>
  )
}
