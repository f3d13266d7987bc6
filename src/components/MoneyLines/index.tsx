import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { LedgerEntryView, MoneyLine, MoneyLineState } from '@/shared/contracts/ledger'
import { formatFen, formatTime } from '@/components/format'
import './index.scss'

/** Where a line's money stands, in the words of 收益 / 结算. */
export const LINE_STATE_LABEL: Record<MoneyLineState, string> = {
  AWAITING_PICKUP: '待提货',
  AFTER_SALES: '售后期',
  AVAILABLE: '可提现',
  PAYOUT_PENDING: '提现中',
  DEBT_REPAID: '已抵欠款',
  PAID_OUT: '已提现',
  REFUNDED: '已退款',
  DEBT: '欠款',
  RETURNED: '已退回',
}

const ENTRY_STATE_LABEL: Record<LedgerEntryView['state'], string> = { FROZEN: '冻结', AVAILABLE: '可提现', PAYOUT_PENDING: '提现中', PAID_OUT: '已提现', DEBT: '欠款' }

const TAG_CLASS: Partial<Record<MoneyLineState, string>> = { AVAILABLE: 'tag', PAID_OUT: 'tag tag--done', DEBT_REPAID: 'tag tag--done', REFUNDED: 'tag tag--muted', RETURNED: 'tag tag--muted', DEBT: 'tag money-lines__tag--debt' }

const signed = (fen: number) => `${fen > 0 ? '+' : ''}${formatFen(fen)}`

export function lineTitle(l: MoneyLine): string {
  if (l.kind === 'PAYOUT') return '提现到微信零钱'
  if (l.kind === 'DEBT_REPAY') return '欠款抵扣'
  const kept = l.keptQuantity !== null && l.quantity !== null && l.keptQuantity < l.quantity ? `（实发 ${l.keptQuantity}）` : ''
  return `${l.title ?? ''} × ${l.quantity ?? 0}${kept}${l.seq ? ` #${l.seq}` : ''}`
}

/** What the state tag does not say: when 售后期 ends, what a refund left owed, how a part-withdrawn share splits. */
export function lineDetail(l: MoneyLine): string {
  if (l.state === 'AFTER_SALES' && l.withdrawableAt) return `${formatTime(l.withdrawableAt)} 后可提现`
  if (l.state === 'DEBT') return `${formatFen(l.debtFen)}：已提现后被退款冲回，从后续收益抵扣`
  if (l.parts.length > 1) return l.parts.map((p) => `${LINE_STATE_LABEL[p.state]} ${formatFen(p.amountFen)}`).join(' · ')
  return ''
}

/** An order's amounts by reason (售出 +¥18.00 · 缺货退款 -¥6.00); a payout's steps by time (its amount is the line's). */
function eventsText(l: MoneyLine): string {
  if (l.kind === 'PAYOUT') return l.events.map((e) => `${e.reason} ${formatTime(e.at)}`).join(' · ')
  return l.events.map((e) => `${e.reason} ${signed(e.amountFen)}`).join(' · ')
}

interface Props {
  items: MoneyLine[]
}

/**
 * 收益 / 结算 lines: one per order (what sold, my share, where it stands, each event by its reason), one per payout and
 * per debt repayment. A tap shows the ledger entries behind the line.
 */
export default function MoneyLines({ items }: Props) {
  const [open, setOpen] = useState<string | null>(null)
  return (
    <View className='money-lines'>
      {items.map((l) => (
        <View key={l.lineId} className='money-lines__line' onClick={() => setOpen(open === l.lineId ? null : l.lineId)}>
          <View className='row money-lines__head'>
            <View className='money-lines__what'>
              <Text className='money-lines__title'>{lineTitle(l)}</Text>
              <Text className='muted'>{eventsText(l)}</Text>
            </View>
            <Text className={`money-lines__share ${l.shareFen < 0 ? 'money-lines__share--out' : ''}`}>{signed(l.shareFen)}</Text>
          </View>
          <View className='money-lines__status'>
            <Text className={TAG_CLASS[l.state] ?? 'tag'}>{LINE_STATE_LABEL[l.state]}</Text>
            <Text className='muted'>{[lineDetail(l), formatTime(l.at)].filter(Boolean).join(' · ')}</Text>
            <Text className='muted money-lines__toggle'>{open === l.lineId ? '收起' : '明细'}</Text>
          </View>
          {open === l.lineId && (
            <View className='money-lines__entries'>
              {l.entries.map((e) => (
                <View key={e.entryId} className='row money-lines__entry'>
                  <Text className='muted'>{`${e.reason} · ${ENTRY_STATE_LABEL[e.state]} · ${formatTime(e.createdAt)}`}</Text>
                  <Text className='muted'>{signed(e.amountFen)}</Text>
                </View>
              ))}
              {l.orderId && <Text className='muted money-lines__order'>{`订单号 ${l.orderId}`}</Text>}
            </View>
          )}
        </View>
      ))}
    </View>
  )
}
