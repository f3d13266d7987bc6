import type { LedgerEntryView } from '@shared/contracts/ledger'
import { statementCsv, statementTotals } from './statement'

const base: LedgerEntryView = { entryId: 'e', orderId: 'o1', groupBuyId: 'g', party: 'leader', partyId: 'l', kind: 'SALE', amountFen: 1000, state: 'FROZEN', createdAt: Date.UTC(2026, 11, 1, 1, 2, 3), title: '草莓, "大果"', seq: 7, refId: null, reason: '售出' }

it('totals count orders with a sale, sum sales and reversals, and what reached the payee', () => {
  const totals = statementTotals([
    base,
    { ...base, orderId: 'o2', amountFen: 500 },
    { ...base, kind: 'REVERSAL', amountFen: -300 },
    { ...base, kind: 'RELEASE', amountFen: 700, state: 'AVAILABLE' },
    { ...base, orderId: null, kind: 'PAYOUT', amountFen: 400, state: 'PAID_OUT' },
    { ...base, orderId: null, kind: 'PAYOUT', amountFen: -400, state: 'PAYOUT_PENDING' },
  ])
  expect(totals).toEqual({ orders: 2, salesFen: 1500, refundsFen: -300, netFen: 1200, paidOutFen: 400 })
})

it('the CSV quotes free text, shows Beijing time and yuan, names each line’s reason (缺货退款, not 退款冲回), and ends with the totals', () => {
  const csv = statementCsv([base, { ...base, kind: 'REVERSAL', amountFen: -5, refId: 'rs1', reason: '缺货退款' }], statementTotals([base]))
  const lines = csv.split('\r\n')
  expect(lines[0]).toBe('\uFEFF时间,订单号,商品,跟团号,类型,状态,金额(元)')
  expect(lines[1]).toBe('2026-12-01 09:02:03,o1,"草莓, ""大果""",7,售出,冻结,10.00')
  expect(lines[2]).toBe('2026-12-01 09:02:03,o1,"草莓, ""大果""",7,缺货退款,冻结,-0.05')
  expect(lines).toContain('净收益(元),10.00')
})

it('a product name that is a formula reaches the CSV as text; amounts stay numbers', () => {
  const csv = statementCsv([{ ...base, title: '=HYPERLINK("http://evil.example","领红包")', amountFen: -250 }], statementTotals([base]))
  const line = csv.split('\r\n')[1]
  expect(line).toBe(`2026-12-01 09:02:03,o1,"'=HYPERLINK(""http://evil.example"",""领红包"")",7,售出,冻结,-2.50`)
})
