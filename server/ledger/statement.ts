import type { LedgerEntryView, StatementTotals } from '@shared/contracts/ledger'
import { formatFen } from '@shared/domain/ledger'

const KIND_LABEL: Record<LedgerEntryView['kind'], string> = { SALE: '销售分成', REVERSAL: '退款冲回', RELEASE: '售后期满解冻', PAYOUT: '提现', DEBT_REPAY: '偿还欠款' }
const STATE_LABEL: Record<LedgerEntryView['state'], string> = { FROZEN: '冻结', AVAILABLE: '可提现', PAYOUT_PENDING: '提现中', PAID_OUT: '已提现', DEBT: '欠款' }

/** A month's totals from its entries: sales and reversals are the party's share; payouts what reached them. */
export function statementTotals(entries: readonly Pick<LedgerEntryView, 'kind' | 'amountFen' | 'state' | 'orderId'>[]): StatementTotals {
  const orders = new Set<string>()
  let salesFen = 0
  let refundsFen = 0
  let paidOutFen = 0
  for (const e of entries) {
    if (e.kind === 'SALE') {
      salesFen += e.amountFen
      if (e.orderId) orders.add(e.orderId)
    } else if (e.kind === 'REVERSAL') refundsFen += e.amountFen
    else if (e.kind === 'PAYOUT' && e.state === 'PAID_OUT') paidOutFen += e.amountFen
  }
  return { orders: orders.size, salesFen, refundsFen, netFen: salesFen + refundsFen, paidOutFen }
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break (titles are free text). */
function field(v: string | number | null): string {
  const s = v === null ? '' : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The statement as CSV (UTF-8 with a BOM, so Excel opens the Chinese columns correctly). */
export function statementCsv(entries: readonly LedgerEntryView[], totals: StatementTotals): string {
  const rows: (string | number | null)[][] = [['时间', '订单号', '商品', '跟团号', '类型', '状态', '金额(元)']]
  for (const e of entries) {
    rows.push([new Date(e.createdAt + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '), e.orderId, e.title, e.seq, KIND_LABEL[e.kind], STATE_LABEL[e.state], formatFen(e.amountFen)])
  }
  rows.push([], ['订单数', totals.orders], ['销售分成(元)', formatFen(totals.salesFen)], ['退款冲回(元)', formatFen(totals.refundsFen)], ['净收益(元)', formatFen(totals.netFen)], ['已提现(元)', formatFen(totals.paidOutFen)])
  return '\uFEFF' + rows.map((r) => r.map(field).join(',')).join('\r\n') + '\r\n'
}
