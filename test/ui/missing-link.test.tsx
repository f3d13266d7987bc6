/**
 * #22: a page opened without the id it shows says so and offers a way back — never 加载中 for ever or
 * 填写的信息有误 (the cloud's answer to an empty id).
 */
import { act, render, screen } from '@testing-library/react'
import type { ComponentType } from 'react'
import { __reset, calls } from './stubs/taro'
import LeaderFromOfferPage from '@/pages/leader/from-offer'
import LeaderGroupPage from '@/pages/leader/group'
import LeaderPickListPage from '@/pages/leader/picklist'
import MerchantPublishPage from '@/pages/merchant/publish'
import MerchantPurchaseOrdersPage from '@/pages/merchant/purchase-orders'
import GroupBuyDetailPage from '@/pages/resident/detail'
import OrderPage from '@/pages/resident/order'

// No cloud behind these tests: whatever a page still asks for fails as a network error would.
jest.mock('@/services/contract-caller', () => ({
  contractCaller: () => async () => ({ ok: false, error: { code: 'CLIENT.NETWORK', message: 'offline' } }),
}))

const pages: Array<[string, ComponentType, string]> = [
  ['团购详情', GroupBuyDetailPage, '团购'],
  ['订单详情', OrderPage, '订单'],
  ['团购管理', LeaderGroupPage, '团购'],
  ['拣货单', LeaderPickListPage, '团购'],
  ['一键开团', LeaderFromOfferPage, '货源'],
  ['发布货源', MerchantPublishPage, '商品'],
  ['我的货源', MerchantPurchaseOrdersPage, '货源'],
]

it.each(pages)('%s without its id says the link is incomplete and goes back home', async (_title, Page, what) => {
  __reset({})
  await act(async () => {
    render(<Page />)
  })
  expect(screen.getByText(`这个链接不完整，找不到要打开的${what}`)).toBeTruthy()
  expect(screen.queryByText('加载中…')).toBeNull()
  expect(screen.queryByText('填写的信息有误，请检查后再试')).toBeNull()
  await act(async () => screen.getByText('返回').click())
  // Opened straight from the link: nothing to go back to, so home.
  expect(calls.switchTab).toEqual(['/pages/resident/home/index'])
})
