/**
 * A duration setting from the environment: `raw` (the caller reads `process.env.NAME` itself, so the deploy plan's
 * scan sees which variable its function needs) when it is set and a whole number of ms ≥ 0 (> 0 when `positive`),
 * else `fallback`. 0 is a setting (e.g. no grace, every tick), not a fallback, unless the setting must be positive
 * (a payment window or a code's life of 0 would expire everything at once).
 */
export function msSetting(raw: string | undefined, fallback: number, { positive = false } = {}): number {
  const v = Number(raw)
  return raw !== undefined && raw !== '' && Number.isSafeInteger(v) && (positive ? v > 0 : v >= 0) ? v : fallback
}
