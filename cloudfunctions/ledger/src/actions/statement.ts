import { ledgerContract } from '@shared/contracts/ledger'
import { chinaMonthRange } from '@shared/domain/calendar'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import type { LedgerEntryDoc } from '@server/ledger/model'
import { statementCsv, statementTotals } from '@server/ledger/statement'
import { accountFor, entryViews } from '@server/ledger/views'
import { saveExport } from '@server/storage/exports'
import { eachPage } from '@server/paging'
import { copyAllRidingSales } from '@server/ledger/sale-entries'

/** A statement can list this many entries; a month beyond that is an account for a data export, not a screen. */
const MAX_ENTRIES = 5000

/** 对账单: a month's totals, and the month's entries as a CSV in cloud storage. */
export const statement = action({
  access: ['leader', 'merchant'],
  input: ledgerContract.statement,
  async run({ caller, db, now }, { month, as }) {
    // Sales whose entries still ride on their orders are copied first (server/ledger/sale-entries.ts): the books as they are.
    await copyAllRidingSales(db)
    const account = accountFor(await caller.user(), as)
    if (!account || account.party === 'store') return fail(ERROR_CODES.LEDGER_NO_ACCOUNT, 'no account of that kind for the caller')
    const _ = db.command
    const { start, end } = chinaMonthRange(month)
    const docs: LedgerEntryDoc[] = []
    await eachPage<LedgerEntryDoc>(db, 'ledgerEntries', { account: account.account, createdAt: _.gte(start).and(_.lt(end)) }, async (page) => {
      docs.push(...page)
      return docs.length >= MAX_ENTRIES ? 'stop' : undefined
    })
    docs.sort((a, b) => a.createdAt - b.createdAt || (a._id < b._id ? -1 : 1))
    const views = await entryViews(db, docs)
    const totals = statementTotals(views)
    return ok({ month, totals, csv: await saveExport(db, 'ledger-statements', `${month}-${now}.csv`, Buffer.from(statementCsv(views, totals), 'utf8'), now) })
  },
})
