/**
 * CloudBase's timer cron: exactly seven fields (second minute hour day month weekday year, UTC+8), each a
 * comma list of `*`, `n`, `a-b`, optionally `/step` — the grammar of CloudBase's trigger docs. Stricter than
 * croner (which the local cloud uses to run it): croner also takes L, W, # and ?, which CloudBase refuses.
 */
const FIELDS: { name: string; min: number; max: number; names?: string[] }[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'weekday', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
  { name: 'year', min: 1970, max: 2099 },
]

/** Why a cron expression is not valid CloudBase cron, or null when it is. */
export function cronProblem(expr: string): string | null {
  const parts = expr.trim().split(/\s+/)
  if (parts.length !== 7) return `has ${parts.length} fields; CloudBase cron has 7 (second minute hour day month weekday year)`
  for (let i = 0; i < 7; i++) {
    const f = FIELDS[i]
    for (const item of parts[i].split(',')) {
      const problem = itemProblem(item, f)
      if (problem) return `${f.name} field "${parts[i]}": ${problem}`
    }
  }
  return null
}

function itemProblem(item: string, f: (typeof FIELDS)[number]): string | null {
  const [range, step, extra] = item.split('/')
  if (extra !== undefined) return 'more than one /'
  if (step !== undefined && !/^\d+$/.test(step)) return `step "${step}" is not a whole number`
  if (step !== undefined && Number(step) === 0) return 'step 0'
  if (range === '*') return null
  const bounds = range.split('-')
  if (bounds.length > 2) return `"${range}" is not a value or a range`
  const values: number[] = []
  for (const b of bounds) {
    const v = valueOf(b, f)
    if (v === null) return `"${b}" is not ${f.names ? `${f.min}-${f.max} or ${f.names[0]}-${f.names[f.names.length - 1]}` : `${f.min}-${f.max}`}`
    values.push(v)
  }
  if (values.length === 2 && values[0] > values[1]) return `range "${range}" runs backwards`
  return null
}

function valueOf(text: string, f: (typeof FIELDS)[number]): number | null {
  if (/^\d+$/.test(text)) {
    const v = Number(text)
    return v >= f.min && v <= f.max ? v : null
  }
  const i = f.names?.indexOf(text.toUpperCase()) ?? -1
  return i >= 0 ? f.min + i : null
}

/** CloudBase's timer trigger name rule: a letter first, then letters, digits, - and _, at most 60 characters. */
export function triggerNameProblem(name: string): string | null {
  return /^[A-Za-z][A-Za-z0-9_-]{0,59}$/.test(name) ? null : 'must start with a letter and use only letters, digits, - and _ (at most 60)'
}
