/**
 * What happens to a paid order if its group fails: refunded, or kept for the leader's next group (./roll-over.ts).
 * A leaf with no imports: the groupBuy contract's join schema and the roll-over rules both read it without an import
 * cycle, and the join sheet (main package) reads it without pulling zod into the main package (#20's budget).
 */
export const ON_FAIL_CHOICES = ['REFUND', 'ROLL_OVER'] as const
export type OnFail = (typeof ON_FAIL_CHOICES)[number]
