/** Bar lengths as percentages of the largest value (0 when everything is 0), for the CSS fallback bars. */
export function barPercents(values: readonly number[]): number[] {
  const max = Math.max(0, ...values)
  return values.map((v) => (max > 0 ? Math.round((Math.max(0, v) / max) * 1000) / 10 : 0))
}
