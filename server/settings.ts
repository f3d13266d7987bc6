/**
 * A duration setting from the environment: `raw` (the caller reads `process.env.NAME` itself, so the deploy plan's
 * scan sees which variable its function needs) when it is set and a number ≥ 0, else `fallback`. 0 is a setting
 * (e.g. no grace, every tick), not a fallback.
 */
export function msSetting(raw: string | undefined, fallback: number): number {
  const v = Number(raw)
  return raw !== undefined && raw !== '' && Number.isFinite(v) && v >= 0 ? v : fallback
}
