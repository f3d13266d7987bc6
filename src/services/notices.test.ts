import { askForNotices } from './notices'
import { userService } from './user'

jest.mock('./user', () => ({ userService: { recordConsent: jest.fn() } }))
const recordConsent = userService.recordConsent as jest.Mock

describe('askForNotices (local H5 demo)', () => {
  beforeEach(() => jest.clearAllMocks())

  it('records the demo resident consenting to every notice asked for', async () => {
    recordConsent.mockResolvedValue({ ok: true, data: {} })
    await expect(askForNotices(['GROUP_SUCCEEDED', 'GOODS_ARRIVED'])).resolves.toEqual(['GROUP_SUCCEEDED', 'GOODS_ARRIVED'])
    expect(recordConsent).toHaveBeenCalledWith(['GROUP_SUCCEEDED', 'GOODS_ARRIVED'])
  })

  it('never fails the tap it rides on when recording consent fails', async () => {
    recordConsent.mockRejectedValue(new Error('offline'))
    await expect(askForNotices(['GROUP_SUCCEEDED'])).resolves.toEqual([])
  })
})
