import { act, fireEvent, render, screen } from '@testing-library/react'
import { __answerModal, __reset, calls } from '../../../../test/ui/stubs/taro'
import { userService } from '@/services/user'
import { useSessionStore } from '@/stores/session'
import PrivacyPage from '.'

jest.mock('@/services/user', () => ({ userService: { me: jest.fn(), setMarketingConsent: jest.fn(), exportMyData: jest.fn(), deleteMe: jest.fn() } }))
const svc = userService as jest.Mocked<typeof userService>
const me = (marketingConsent: boolean) => ({ ok: true as const, data: { openid: 'r1', roles: ['resident' as const], pickupPointId: 'p1', boundPickupPointId: null, marketingConsent } })

beforeEach(() => {
  __reset()
  useSessionStore.getState().reset()
  jest.clearAllMocks()
  svc.me.mockResolvedValue(me(false))
})

it('shows marketing consent off by default and turns it on and off with the switch', async () => {
  render(<PrivacyPage />)
  const sw = (await screen.findByRole('switch')) as HTMLInputElement
  expect(sw.checked).toBe(false)
  svc.setMarketingConsent.mockResolvedValue({ ok: true, data: { marketingConsent: true } })
  await act(async () => void fireEvent.click(sw))
  expect(svc.setMarketingConsent).toHaveBeenCalledWith(true)
  expect(((await screen.findByRole('switch')) as HTMLInputElement).checked).toBe(true)
  svc.setMarketingConsent.mockResolvedValue({ ok: true, data: { marketingConsent: false } })
  await act(async () => void fireEvent.click(screen.getByRole('switch')))
  expect(svc.setMarketingConsent).toHaveBeenLastCalledWith(false)
  expect((screen.getByRole('switch') as HTMLInputElement).checked).toBe(false)
})

it('exports my data and offers the file link', async () => {
  const data = { exportedAt: 1, openid: 'r1', profile: null, consents: { marketing: false, marketingConsentAt: null, subscribeMessages: [] }, orders: [{}, {}], refunds: [], participations: [], coupons: [{}], couponClaims: [], notices: [{}, {}, {}], messages: [], ratings: [], points: [] }
  svc.exportMyData.mockResolvedValue({ ok: true, data: { data, fileID: 'cloud://x/y.json', tempFileURL: 'http://127.0.0.1/f.json' } })
  render(<PrivacyPage />)
  const button = await screen.findByText('导出我的数据')
  await act(async () => void fireEvent.click(button))
  expect(await screen.findByText('已导出：订单 2 条、优惠券 1 张、通知 3 条。')).toBeTruthy()
  fireEvent.click(screen.getByText(/下载链接/))
  expect(calls.clipboard).toEqual(['http://127.0.0.1/f.json'])
})

it('deletes the account only after confirming, then starts over as a fresh resident', async () => {
  render(<PrivacyPage />)
  const button = await screen.findByText('注销账号')
  __answerModal(false)
  await act(async () => void fireEvent.click(button))
  expect(svc.deleteMe).not.toHaveBeenCalled()
  __answerModal(true)
  svc.deleteMe.mockResolvedValue({ ok: true, data: { deleted: true } })
  await act(async () => void fireEvent.click(button))
  expect(svc.deleteMe).toHaveBeenCalledTimes(1)
  expect(calls.toasts).toContain('账号已注销')
  expect(calls.switchTab).toEqual(['/pages/resident/home/index'])
})
