import { act, fireEvent, render, screen } from '@testing-library/react'
import { pickupService } from '@/services/pickup'
import { useClerkStore } from '@/stores/clerk'
import ClerkVerifyPage from '.'

jest.mock('@/services/pickup', () => ({ pickupService: { verify: jest.fn(), today: jest.fn() } }))
const verify = pickupService.verify as jest.Mock

beforeEach(() => {
  useClerkStore.getState().reset()
  verify.mockReset()
})

async function enter(code: string) {
  fireEvent.change(screen.getByPlaceholderText('请输入顾客出示的提货码'), { target: { value: code } })
  await act(async () => {
    fireEvent.click(screen.getByText('核销'))
  })
}

it('a good code shows what to hand over and how many', async () => {
  verify.mockResolvedValue({ ok: true, data: { orderId: 'o1', groupBuyId: 'g1', quantity: 2, status: 'PICKED_UP', title: '丹东草莓' } })
  render(<ClerkVerifyPage />)
  await enter('123456')
  expect(await screen.findByText('核销成功')).toBeTruthy()
  expect(screen.getByText('丹东草莓')).toBeTruthy()
  expect(screen.getByText('数量 ×2')).toBeTruthy()
  fireEvent.click(screen.getByText('继续核销'))
  expect(screen.getByPlaceholderText('请输入顾客出示的提货码')).toBeTruthy()
})

it('a used code says why it was refused, in words', async () => {
  verify.mockResolvedValue({ ok: false, error: { code: 'PICKUP.ALREADY_USED', message: 'status=PICKED_UP' } })
  render(<ClerkVerifyPage />)
  await enter('123456')
  expect(await screen.findByText('核销失败')).toBeTruthy()
  expect(screen.getByText('该提货码已使用，请勿重复核销')).toBeTruthy()
  expect(screen.queryByText(/status=/)).toBeNull()
})

it('scanning is offered only inside WeChat; manual entry always', () => {
  render(<ClerkVerifyPage />)
  expect(screen.queryByText('扫码核销')).toBeNull()
  expect(screen.getByText('核销')).toBeTruthy()
})
