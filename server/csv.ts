/**
 * The one CSV writer: every CSV the product hands out (ledger statements, pick lists) is written here, so no
 * text a merchant, leader or resident typed (a product name, a nickname) can reach a spreadsheet as a formula.
 *
 * OWASP's CSV-injection guidance: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
 * read as a formula by Excel / WPS / LibreOffice; prefix it with a single quote and quote the cell (embedded
 * quotes doubled). Numbers are not text: they are written as numbers, never neutralised, so amounts stay
 * numbers a spreadsheet can sum (−0.05 stays −0.05).
 */

/** A value already formatted as a plain decimal number (e.g. formatFen's "-0.05"): written as is. */
export interface CsvNumber {
  readonly csvNumber: string
}

export type CsvValue = string | number | null | undefined | CsvNumber

const DECIMAL = /^-?\d+(\.\d+)?$/
/** Formula starts per OWASP (tab and CR included: some spreadsheets strip them and evaluate the rest). */
const FORMULA_START = /^[=+\-@\t\r]/

/** A decimal number in text form (yuan with two places); anything that is not one is written as text. */
export function csvNumber(text: string): CsvValue {
  return DECIMAL.test(text) ? { csvNumber: text } : text
}

/** One cell: numbers as numbers; text neutralised if it could start a formula, quoted if it could break a row. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'object') return DECIMAL.test(value.csvNumber) ? value.csvNumber : csvCell(value.csvNumber)
  const neutralised = FORMULA_START.test(value) ? `'${value}` : value
  return neutralised !== value || /[",\r\n]/.test(neutralised) ? `"${neutralised.replace(/"/g, '""')}"` : neutralised
}

/** A whole file: UTF-8 with a BOM (so Excel shows Chinese columns), CRLF line ends (RFC 4180). */
export function csvDocument(rows: readonly (readonly CsvValue[])[]): string {
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}
