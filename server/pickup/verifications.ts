import type { VerificationDoc } from '@server/pickup/model'

/**
 * Append to the audit. A write failing here must not turn a hand-over that already happened into an error the
 * clerk would retry (and then see ALREADY_USED), so it is logged rather than thrown.
 */
export async function audit(db: DB.Database, entry: VerificationDoc): Promise<void> {
  try {
    await db.collection('verifications').add({ data: entry })
  } catch (err) {
    console.error('[verifications] audit write failed', entry.kind, entry.outcome, err)
  }
}
