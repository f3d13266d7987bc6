/**
 * The highest extra commission a leader's tier can add (COMMISSION_TIERS, "fen threshold:extra bp,..."): a price
 * is checked against it when a group buy opens, so the platform's share can never go negative later.
 */
export function maxTierBonusBp(): number {
  const raw = process.env.COMMISSION_TIERS ?? '0:0,500000:100,2000000:200'
  let max = 0
  for (const part of raw.split(',')) {
    const bp = Number(part.split(':')[1])
    if (Number.isInteger(bp) && bp > max) max = bp
  }
  return max
}
