import { LAST_CALL_BEFORE_END_MS, windowMoments, windowReminderDue } from './pickup-reminders'

const H = 3_600_000
const w = { pickupStartAt: 16 * H, pickupEndAt: 20 * H }
const waiting = { status: 'READY_FOR_PICKUP', readyAt: 10 * H }

describe('提货时间 reminders (pure)', () => {
  it('fall at the window\'s start and an hour before its end; a short window\'s last call is at its start', () => {
    expect(windowMoments(w)).toEqual({ start: 16 * H, lastCall: 20 * H - LAST_CALL_BEFORE_END_MS, end: 20 * H })
    expect(windowMoments({ pickupStartAt: 16 * H, pickupEndAt: 16.5 * H })?.lastCall).toBe(16 * H)
    expect(windowMoments({})).toBeNull()
    expect(windowMoments({ pickupStartAt: 16 * H, pickupEndAt: 16 * H })).toBeNull()
  })
  it('are due from their moment to the window\'s end, once, only while the order waits', () => {
    expect(windowReminderDue('WINDOW_START', w, waiting, 16 * H - 1)).toBe(false)
    expect(windowReminderDue('WINDOW_START', w, waiting, 16 * H)).toBe(true)
    expect(windowReminderDue('WINDOW_START', w, { ...waiting, remindedReadyAt: 16 * H }, 17 * H)).toBe(false)
    expect(windowReminderDue('LAST_CALL', w, waiting, 18.9 * H)).toBe(false)
    expect(windowReminderDue('LAST_CALL', w, waiting, 19 * H)).toBe(true)
    expect(windowReminderDue('LAST_CALL', w, { ...waiting, remindedLastCallAt: 19 * H }, 19.5 * H)).toBe(false)
    expect(windowReminderDue('LAST_CALL', w, waiting, 20 * H)).toBe(false)
    expect(windowReminderDue('LAST_CALL', w, { ...waiting, status: 'PICKED_UP' }, 19 * H)).toBe(false)
    expect(windowReminderDue('WINDOW_START', {}, waiting, 19 * H)).toBe(false)
  })
  it('skip goods that arrived after the moment: their arrival notice named the 提货时间 just now', () => {
    expect(windowReminderDue('WINDOW_START', w, { ...waiting, readyAt: 16.5 * H }, 17 * H)).toBe(false)
    expect(windowReminderDue('LAST_CALL', w, { ...waiting, readyAt: 16.5 * H }, 19 * H)).toBe(true)
    expect(windowReminderDue('LAST_CALL', w, { ...waiting, readyAt: 19.2 * H }, 19.5 * H)).toBe(false)
  })
})
