export function percentText(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`
}
