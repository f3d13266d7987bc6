// Settle's safety nets (the counter heal, interrupted sign-offs, the rating and points heals) run every tick in the
// tests, which fire ticks seconds apart and check what each one repairs; production runs them every fifth minute
// (server/due.ts safetyNetMs), and test/node/settle-due.test.ts checks that cadence itself.
process.env.SETTLE_SAFETY_NET_MS ??= '0'
