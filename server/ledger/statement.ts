import type { LedgerEntryView, StatementTotals } from '@shared/contracts/ledger'
import { formatFen } from '@shared/domain/ledger'
import { formatChina } from '@shared/domain/calendar'
import { csvDocument, csvNumber, type CsvValue } from '@server/csv'

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

/**
 * The statement as CSV (UTF-8 with a BOM, so Excel opens the Chinese columns correctly). 类型 is the event in words
 * (entryViews: 售出, 缺货退款, 售后退款, 售后期满, 提现, 欠款抵扣 …), so no line is an unexplained amount.
 */
export function statementCsv(entries: readonly LedgerEntryView[], totals: StatementTotals): string {
  const yuan = (fen: number) => csvNumber(formatFen(fen))
  const rows: CsvValue[][] = [['时间', '订单号', '商品', '跟团号', '类型', '状态', '金额(元)']]
  for (const e of entries) {
    rows.push([formatChina(e.createdAt, 'YYYY-MM-DD HH:mm:ss'), e.orderId, e.title, e.seq, e.reason, STATE_LABEL[e.state], yuan(e.amountFen)])
  }
  rows.push([], ['订单数', totals.orders], ['销售分成(元)', yuan(totals.salesFen)], ['退款冲回(元)', yuan(totals.refundsFen)], ['净收益(元)', yuan(totals.netFen)], ['已提现(元)', yuan(totals.paidOutFen)])
  // Titles are free text a merchant typed: the one cell writer neutralises formula starts (OWASP CSV injection).
  return csvDocument(rows)
}
