import { ERROR_CODES } from '@/shared/errors'
import { NETWORK_ERROR } from '@/services/cloud'
import { ERROR_MESSAGES, friendlyMessage, NETWORK_MESSAGE } from './error-copy'

describe('error messages', () => {
  it('gives every backend error code a Chinese message', () => {
    for (const code of Object.values(ERROR_CODES)) {
      expect(ERROR_MESSAGES[code]).toMatch(/[\u4e00-\u9fa5]/)
    }
  })

  it('never shows the raw backend text', () => {
    const shown = friendlyMessage({ code: 'PICKUP.ALREADY_USED', message: 'order o_1 status PICKED_UP' })
    expect(shown).toBe('该提货码已使用，请勿重复核销')
    expect(friendlyMessage({ code: 'WHAT.IS.THIS' as never, message: 'stack trace…' })).toBe(ERROR_MESSAGES.INTERNAL)
    expect(friendlyMessage({ code: NETWORK_ERROR, message: 'ECONNREFUSED' })).toBe(NETWORK_MESSAGE)
  })
})
