import { Button, Text, View } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import { formatDateTime, formatFen } from '@/components/format'
import StateView from '@/components/StateView'
import type { PartyTotals, ReconcileMismatch } from '@/shared/contracts/ledger'
import type { Party } from '@/shared/domain/ledger'
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
  PAYOUT: '提现记录 ≠ 微信转账单',
}

const PARTY: Record<Party, string> = { merchant: '商家', leader: '团长', store: '门店', platform: '平台' }

/** Differences in money are shown in yuan; the rest (statuses, counts) as they are. */
const FEN_KINDS: readonly ReconcileMismatch['kind'][] = ['PAID_MINUS_REFUNDED', 'REFUNDED_FEN', 'SPLIT', 'ORDER_REFUNDED_FEN']
const FIELD: Record<string, string> = { heldFen: '提现占用', pendingPayoutFen: '提现中', paidOutFen: '已提现', debtFen: '欠款', frozenFen: '冻结', availableFen: '可提现' }

function shown(v: unknown, fen: boolean): string {
  if (typeof v === 'number') return fen ? formatFen(v) : String(v)
  if (v && typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${FIELD[k] ?? k} ${typeof x === 'number' && k.endsWith('Fen') ? formatFen(x) : String(x)}`)
      .join('，')
  }
  return String(v)
}

/** Whose difference: the order (title and id) and, for a split, which party's share. */
function whereOf(m: ReconcileMismatch): string {
  const party = m.account ? PARTY[m.account.split(':')[0] as Party] : undefined
  if (m.orderId) return `订单 ${m.title ? `${m.title} · ` : ''}${m.orderId}${party ? ` · ${party}分成` : ''}`
  if (m.groupBuyId) return `团购 ${m.groupBuyId}`
  if (m.payoutId) return `提现 ${m.payoutId}${party ? ` · ${party}` : ''}`
  return `账户 ${party ?? ''} ${m.account ?? ''}`.trim()
}

/** One party's totals as the 对账 screen shows them. */
function PartyRow({ t }: { t: PartyTotals }) {
  return (
    <View className='reconcile__item'>
      <View className='row reconcile__party'>
        <Text>{`${PARTY[t.party]}${t.party === 'platform' ? '（服务费与差价）' : ` · ${t.accounts} 个账户`}`}</Text>
        <Text className='reconcile__net'>{formatFen(t.netFen)}</Text>
      </View>
      <Text className='muted'>{`销售 ${formatFen(t.salesFen)} · 退款冲回 ${formatFen(t.refundsFen)}`}</Text>
      <Text className='muted'>{`冻结 ${formatFen(t.frozenFen)} · 可提现 ${formatFen(t.availableFen)} · 提现中 ${formatFen(t.pendingPayoutFen)} · 已提现 ${formatFen(t.paidOutFen)}${t.debtFen ? ` · 欠款 ${formatFen(t.debtFen)}` : ''}`}</Text>
    </View>
  )
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
            {report.totals && (
              <View className='reconcile__totals'>
                <Text className='section__title'>各方合计（全部流水）</Text>
                {report.totals.map((t) => (
                  <PartyRow key={t.party} t={t} />
                ))}
                <Text className='muted'>{`平台服务费 ${formatFen(report.totals.find((t) => t.party === 'platform')?.netFen ?? 0)}：团长自营团的平台抽成，加帮卖团售价扣除供货价、团长佣金、门店手续费后的余额`}</Text>
              </View>
            )}
            {report.mismatches.length > 0 && <Text className='section__title'>差异明细</Text>}
            {report.mismatches.map((m, i) => (
              <View key={`${m.orderId ?? m.account}-${m.kind}-${i}`} className='reconcile__item'>
                <Text>{KIND[m.kind]}</Text>
                <Text className='muted'>{whereOf(m)}</Text>
                <Text className='reconcile__diff'>{`应为 ${shown(m.expected, FEN_KINDS.includes(m.kind))} · 账上 ${shown(m.actual, FEN_KINDS.includes(m.kind))}`}</Text>
              </View>
            ))}
            {(report.debts ?? []).length > 0 && <Text className='section__title'>{`欠款 ${(report.debts ?? []).length} 个账户（从其后续收益中先行抵扣）`}</Text>}
            {(report.debts ?? []).map((d) => (
              <View key={d.account} className='reconcile__item'>
                <Text>{`${PARTY[d.account.split(':')[0] as Party] ?? '账户'} ${d.account.split(':').slice(1).join(':')}`}</Text>
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
