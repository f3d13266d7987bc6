import { act, fireEvent, render, screen } from '@testing-library/react'
import { __reset, calls } from '../../../../test/ui/stubs/taro'
import { couponService } from '@/services/coupon'
import { pickupService } from '@/services/pickup'
import { useClerkStore } from '@/stores/clerk'
import ClerkVerifyPage from '.'

jest.mock('@/services/pickup', () => ({ pickupService: { verify: jest.fn(), today: jest.fn() } }))
jest.mock('@/services/coupon', () => ({ couponService: { redeem: jest.fn() } }))
const verify = pickupService.verify as jest.Mock
const redeem = couponService.redeem as jest.Mock

beforeEach(() => {
  __reset()
  useClerkStore.getState().reset()
  verify.mockReset()
  redeem.mockReset()
})

const PLACEHOLDER = '请输入顾客出示的提货码或券码'

async function enter(code: string) {
  fireEvent.change(screen.getByPlaceholderText(PLACEHOLDER), { target: { value: code } })
  await act(async () => {
    fireEvent.click(screen.getByText('核销'))
  })
}

it('a good pickup code shows what to hand over, how many and to whom', async () => {
  verify.mockResolvedValue({ ok: true, data: { orderId: 'o1', groupBuyId: 'g1', quantity: 2, status: 'PICKED_UP', title: '丹东草莓', maskedName: '张**' } })
  render(<ClerkVerifyPage />)
  await enter('1234 5678')
  expect(verify).toHaveBeenCalledWith('12345678')
  expect(await screen.findByText('核销成功')).toBeTruthy()
  expect(screen.getByText('丹东草莓')).toBeTruthy()
  expect(screen.getByText('数量 ×2')).toBeTruthy()
  expect(screen.getByText('顾客 张**')).toBeTruthy()
  fireEvent.click(screen.getByText('继续核销'))
  expect(screen.getByPlaceholderText(PLACEHOLDER)).toBeTruthy()
})

it('a used pickup code says why it was refused, in words', async () => {
  verify.mockResolvedValue({ ok: false, error: { code: 'PICKUP.ALREADY_USED', message: 'status=PICKED_UP' } })
  render(<ClerkVerifyPage />)
  await enter('12345678')
  expect(await screen.findByText('核销失败')).toBeTruthy()
  expect(screen.getByText('该提货码已使用，请勿重复核销')).toBeTruthy()
  expect(screen.queryByText(/status=/)).toBeNull()
})

it('a 12-digit code is redeemed as a coupon and shows the amount to take off', async () => {
  redeem.mockResolvedValue({ ok: true, data: { couponId: 'c1', campaignId: 'k1', title: '便民店满 30 减 5 元券', valueFen: 500, status: 'REDEEMED' } })
  render(<ClerkVerifyPage />)
  await enter('123456789012')
  expect(redeem).toHaveBeenCalledWith('123456789012')
  expect(verify).not.toHaveBeenCalled()
  expect(await screen.findByText('核销成功')).toBeTruthy()
  expect(screen.getByText('抵扣 ¥5.00')).toBeTruthy()
})

it('a redeemed coupon is refused as already redeemed', async () => {
  redeem.mockResolvedValue({ ok: false, error: { code: 'COUPON.ALREADY_REDEEMED', message: '' } })
  render(<ClerkVerifyPage />)
  await enter('123456789012')
  expect(await screen.findByText('核销失败')).toBeTruthy()
  expect(screen.getByText('该优惠券已核销，请勿重复使用')).toBeTruthy()
})

it('a code of neither shape never reaches the cloud', async () => {
  render(<ClerkVerifyPage />)
  await enter('12345')
  expect(verify).not.toHaveBeenCalled()
  expect(redeem).not.toHaveBeenCalled()
  expect(calls.toasts).toEqual(['请输入 8 位提货码或 12 位券码'])
  expect(screen.getByPlaceholderText(PLACEHOLDER)).toBeTruthy()
})

it('scanning is offered only inside WeChat; manual entry always', () => {
  render(<ClerkVerifyPage />)
  expect(screen.queryByText('扫码核销')).toBeNull()
  expect(screen.getByText('核销')).toBeTruthy()
})
