/**
 * A payout's life as WeChat Pay's 商家转账 (user-confirmed transfer) sees it. REQUESTED: the money is held and
 * the transfer bill not yet created; WAIT_USER_CONFIRM: the bill exists and waits for the payee's 确认收款 in the
 * mini-program; then SUCCESS (paid out), FAILED (WeChat Pay refused it, or the payee let it run out) or CANCELLED
 * (we cancelled a bill that waited too long). FAILED and CANCELLED give the money back to AVAILABLE, once.
 */
export const PAYOUT_STATES = ['REQUESTED', 'WAIT_USER_CONFIRM', 'SUCCESS', 'FAILED', 'CANCELLED'] as const
export type PayoutState = (typeof PAYOUT_STATES)[number]

export const FINAL_PAYOUT_STATES: readonly PayoutState[] = ['SUCCESS', 'FAILED', 'CANCELLED']

/** WeChat Pay requires the payee's real name (user_name, encrypted) on a transfer from ¥2,000. */
export const USER_NAME_REQUIRED_FROM_FEN = 200_000

export function needsUserName(amountFen: number): boolean {
  return amountFen >= USER_NAME_REQUIRED_FROM_FEN
}

/**
 * What a transfer bill's state (WeChat Pay: ACCEPTED, PROCESSING, WAIT_USER_CONFIRM, TRANSFERING, SUCCESS, FAIL,
 * CANCELING, CANCELLED) means for the payout; null while it is still moving (nothing to record yet).
 */
export function payoutStateForBill(billState: string | undefined): PayoutState | null {
  switch (billState) {
    case 'WAIT_USER_CONFIRM':
      return 'WAIT_USER_CONFIRM'
    case 'SUCCESS':
      return 'SUCCESS'
    case 'FAIL':
      return 'FAILED'
    case 'CANCELLED':
      return 'CANCELLED'
    default:
      return null
  }
}

/** How long a bill may wait for the payee before we cancel it (WeChat Pay closes it itself after 24 h). */
export const DEFAULT_CONFIRM_WINDOW_MS = 23 * 3600_000
