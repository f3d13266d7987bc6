import { groupBuyService } from '@/services/group-buy'
import { askForNotices } from '@/services/notices'
import { orderService } from '@/services/order'
import { useGroupBuyStore, type GroupBuyDetail } from './group-buy'

jest.mock('@/services/group-buy', () => ({ groupBuyService: { get: jest.fn(), getByScene: jest.fn(), join: jest.fn() } }))
jest.mock('@/services/order', () => ({ orderService: { pay: jest.fn() } }))
jest.mock('@/services/notices', () => ({ askForNotices: jest.fn().mockResolvedValue([]) }))
const join = groupBuyService.join as jest.Mock
const get = groupBuyService.get as jest.Mock
const pay = orderService.pay as jest.Mock

const gb: GroupBuyDetail = {
  groupBuyId: 'g1', title: '阳光玫瑰', description: '', images: [], unit: '份', priceFen: 1990, originalPriceFen: 2990,
  stock: 50, stockLeft: 50, minParticipants: 3, paidParticipants: 0, limitPerUser: 2, startAt: 0, endAt: Date.now() + 3600e3,
  pickupPointId: 'p1', status: 'OPEN', createdAt: 0, arrivedAt: null, myQuantity: 0, imageUrls: [], offerId: null, merchantId: null,
}
const payment = { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=x', signType: 'MD5', paySign: 's' }

beforeEach(() => {
  useGroupBuyStore.getState().reset()
  jest.clearAllMocks()
  get.mockResolvedValue({ ok: true, data: { groupBuy: gb } })
})

describe('join and pay', () => {
  it('a detail opened from a poster code joins with its scene, and with the resident\'s ROLL_OVER choice', async () => {
    ;(groupBuyService.getByScene as jest.Mock).mockResolvedValue({ ok: true, data: { groupBuy: gb } })
    await useGroupBuyStore.getState().loadByScene('pAAAAAAAAAAAAAAAAAAAAAAAA')
    expect(useGroupBuyStore.getState().current?.groupBuyId).toBe('g1')
    await useGroupBuyStore.getState().load('g1') // the page's refresh keeps the scene of the same group buy
    join.mockResolvedValue({ ok: true, data: { orderId: 'o1', status: 'PENDING_PAYMENT', payment, amountFen: 1990, expiresAt: 0 } })
    pay.mockResolvedValue({ ok: true, data: null })
    useGroupBuyStore.getState().openJoin()
    await useGroupBuyStore.getState().join(1, 'ROLL_OVER')
    expect(join).toHaveBeenCalledWith('g1', 1, expect.any(String), { scene: 'pAAAAAAAAAAAAAAAAAAAAAAAA', onFail: 'ROLL_OVER' })
  })

  it('joins, pays and hands back the order to show', async () => {
    await useGroupBuyStore.getState().load('g1')
    join.mockResolvedValue({ ok: true, data: { orderId: 'o1', status: 'PENDING_PAYMENT', payment, amountFen: 3980, expiresAt: 0 } })
    pay.mockResolvedValue({ ok: true, data: null })
    useGroupBuyStore.getState().openJoin()
    const outcome = await useGroupBuyStore.getState().join(2)
    expect(outcome).toEqual({ orderId: 'o1', paid: true, error: null })
    expect(join).toHaveBeenCalledWith('g1', 2, expect.any(String))
    expect(pay).toHaveBeenCalledWith('o1', payment)
    // The tap that joins is also the one chance to ask for 成团 / refund / arrival notices.
    expect(askForNotices).toHaveBeenCalledWith(['GROUP_SUCCEEDED', 'GROUP_FAILED_REFUNDED', 'GOODS_ARRIVED'])
  })

  it('retrying after a failed join re-sends the same request id, so no second order is made', async () => {
    await useGroupBuyStore.getState().load('g1')
    useGroupBuyStore.getState().openJoin()
    join.mockResolvedValueOnce({ ok: false, error: { code: 'INTERNAL', message: '' } })
    expect(await useGroupBuyStore.getState().join(1)).toBeNull()
    expect(useGroupBuyStore.getState().joinError?.code).toBe('INTERNAL')
    join.mockResolvedValueOnce({ ok: true, data: { orderId: 'o1', status: 'PENDING_PAYMENT', payment, amountFen: 1990, expiresAt: 0 } })
    pay.mockResolvedValue({ ok: true, data: null })
    await useGroupBuyStore.getState().join(1)
    expect(join.mock.calls[0][2]).toBe(join.mock.calls[1][2])
  })

  it('a closed payment sheet still leads to the (unpaid) order, with the reason', async () => {
    await useGroupBuyStore.getState().load('g1')
    join.mockResolvedValue({ ok: true, data: { orderId: 'o2', status: 'PENDING_PAYMENT', payment, amountFen: 1990, expiresAt: 0 } })
    pay.mockResolvedValue({ ok: false, error: { code: 'PAYMENT.FAILED', message: 'cancel' } })
    const outcome = await useGroupBuyStore.getState().join(1)
    expect(outcome?.paid).toBe(false)
    expect(outcome?.error?.code).toBe('PAYMENT.FAILED')
    expect(useGroupBuyStore.getState().payments.o2).toEqual(payment)
  })
})
