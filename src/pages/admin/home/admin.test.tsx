import { act, fireEvent, render, screen, within } from '@testing-library/react'
import { __reset, calls } from '../../../../test/ui/stubs/taro'
import { adminService } from '@/services/admin'
import { userService } from '@/services/user'
import { useAdminStore } from '@/stores/admin'
import { useSessionStore } from '@/stores/session'
import AdminHomePage from '.'

jest.mock('@/services/admin', () => ({ adminService: { createPickupPoint: jest.fn(), grantRole: jest.fn(), listRoles: jest.fn() } }))
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
