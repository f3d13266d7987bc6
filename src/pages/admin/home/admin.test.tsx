import { act, fireEvent, render, screen, within } from '@testing-library/react'
import { __reset, calls } from '../../../../test/ui/stubs/taro'
import { adminService } from '@/services/admin'
import { userService } from '@/services/user'
import { useAdminStore } from '@/stores/admin'
import { useSessionStore } from '@/stores/session'
import AdminHomePage from '.'

jest.mock('@/services/admin', () => ({ adminService: { createPickupPoint: jest.fn(), grantRole: jest.fn(), listRoles: jest.fn(), getPointsRule: jest.fn(), setPointsRule: jest.fn() } }))
jest.mock('@/services/user', () => ({ userService: { me: jest.fn(), listPickupPoints: jest.fn(), choosePickupPoint: jest.fn() } }))
const admin = adminService as jest.Mocked<typeof adminService>
const user = userService as jest.Mocked<typeof userService>
const point = { pickupPointId: 'pp1', name: '幸福里社区', address: '3 号楼', storeName: '便民店' }

beforeEach(() => {
  __reset()
  useAdminStore.getState().reset()
  useSessionStore.getState().reset()
  jest.clearAllMocks()
  user.listPickupPoints.mockResolvedValue({ ok: true, data: { items: [point] } })
  admin.listRoles.mockResolvedValue({
    ok: true,
    data: { items: [{ openid: 'demo-clerk', roles: ['clerk'], boundPickupPointId: 'pp1', boundPickupPointName: '幸福里社区' }], nextCursor: null },
  })
  admin.getPointsRule.mockResolvedValue({ ok: true, data: { pointsPerYuan: 1, maxPerRedemption: 1000 } })
})

it('creates a pickup point and lists it', async () => {
  admin.createPickupPoint.mockResolvedValue({ ok: true, data: { pickupPointId: 'pp2' } })
  render(<AdminHomePage />)
  expect(await screen.findByText('幸福里社区（便民店）')).toBeTruthy()
  user.listPickupPoints.mockResolvedValue({ ok: true, data: { items: [point, { pickupPointId: 'pp2', name: '阳光花园', address: '南门', storeName: '驿站' }] } })
  fireEvent.change(screen.getByPlaceholderText('例如：幸福里社区'), { target: { value: '阳光花园' } })
  fireEvent.change(screen.getByPlaceholderText('商家按这个地址送货'), { target: { value: '南门' } })
  fireEvent.change(screen.getByPlaceholderText('例如：幸福里便民店'), { target: { value: '驿站' } })
  await act(async () => {
    fireEvent.click(screen.getByText('创建自提点'))
  })
  expect(admin.createPickupPoint).toHaveBeenCalledWith({ name: '阳光花园', address: '南门', storeName: '驿站' })
  expect(await screen.findByText('阳光花园（驿站）')).toBeTruthy()
  expect(calls.toasts).toContain('自提点已创建')
})

it('an empty point form is explained per field and nothing is sent', async () => {
  render(<AdminHomePage />)
  await act(async () => {
    fireEvent.click(screen.getByText('创建自提点'))
  })
  expect(screen.getByText('请填写自提点名称')).toBeTruthy()
  expect(admin.createPickupPoint).not.toHaveBeenCalled()
})

it('grants a clerk at a point and shows who holds what', async () => {
  admin.grantRole.mockResolvedValue({ ok: true, data: {} })
  render(<AdminHomePage />)
  fireEvent.click(screen.getByText('人员与角色'))
  expect(await screen.findByText('店员 · 幸福里社区')).toBeTruthy()
  fireEvent.change(screen.getByPlaceholderText('对方在「我的」页可看到'), { target: { value: 'new-clerk' } })
  await act(async () => {
    fireEvent.click(screen.getByText('授权'))
  })
  expect(screen.getByText('团长和店员需要选择所在自提点')).toBeTruthy()
  expect(admin.grantRole).not.toHaveBeenCalled()
  const people = screen.getByText('授予角色').parentElement as HTMLElement
  fireEvent.click(within(people).getByText('幸福里社区'))
  await act(async () => {
    fireEvent.click(screen.getByText('授权'))
  })
  expect(admin.grantRole).toHaveBeenCalledWith('new-clerk', 'clerk', 'pp1')
})

it('a failed role list says so in words with a retry', async () => {
  admin.listRoles.mockResolvedValue({ ok: false, error: { code: 'AUTH.FORBIDDEN', message: 'role admin required' } })
  render(<AdminHomePage />)
  fireEvent.click(screen.getByText('人员与角色'))
  expect(await screen.findByText('你没有权限进行此操作')).toBeTruthy()
  expect(screen.queryByText(/role admin/)).toBeNull()
})

it('the points rule: shows the server’s rule, refuses an out-of-range value without sending it, saves a valid one', async () => {
  admin.setPointsRule.mockImplementation(async (rule) => ({ ok: true, data: rule }))
  render(<AdminHomePage />)
  fireEvent.click(screen.getByText('积分规则'))
  expect(((await screen.findByPlaceholderText('0–100')) as HTMLInputElement).value).toBe('1')
  expect((screen.getByPlaceholderText('0–100000') as HTMLInputElement).value).toBe('1000')
  expect(screen.getByText('当前规则下，一张 ¥20 的券每次核销最多送 20 积分')).toBeTruthy()
  // A minting rule (1,000 points per yuan) is beyond what the platform allows: explained, nothing sent.
  fireEvent.change(screen.getByPlaceholderText('0–100'), { target: { value: '1000' } })
  await act(async () => {
    fireEvent.click(screen.getByText('保存积分规则'))
  })
  expect(screen.getByText('每 1 元券面值最多送积分不能大于 100')).toBeTruthy()
  expect(admin.setPointsRule).not.toHaveBeenCalled()
  fireEvent.change(screen.getByPlaceholderText('0–100'), { target: { value: '2' } })
  fireEvent.change(screen.getByPlaceholderText('0–100000'), { target: { value: '30' } })
  await act(async () => {
    fireEvent.click(screen.getByText('保存积分规则'))
  })
  expect(admin.setPointsRule).toHaveBeenCalledWith({ pointsPerYuan: 2, maxPerRedemption: 30 })
  expect(calls.toasts).toContain('积分规则已保存')
  expect(screen.getByText('当前规则下，一张 ¥20 的券每次核销最多送 30 积分')).toBeTruthy()
})

it('a refused save (not an admin) says so in words and keeps what was typed', async () => {
  admin.setPointsRule.mockResolvedValue({ ok: false, error: { code: 'AUTH.FORBIDDEN', message: 'role admin required' } })
  render(<AdminHomePage />)
  fireEvent.click(screen.getByText('积分规则'))
  fireEvent.change(await screen.findByPlaceholderText('0–100000'), { target: { value: '50' } })
  await act(async () => {
    fireEvent.click(screen.getByText('保存积分规则'))
  })
  expect(screen.getByText('你没有权限进行此操作')).toBeTruthy()
  expect((screen.getByPlaceholderText('0–100000') as HTMLInputElement).value).toBe('50')
})
