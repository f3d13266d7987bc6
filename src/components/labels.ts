import type { GroupBuyStatus } from '@/shared/contracts/group-buy'
import type { OrderStatus } from '@/shared/contracts/order'
import type { OfferStatus, PurchaseOrderStatus } from '@/shared/contracts/supply'
import type { Role } from '@/shared/contracts/common'

export const GROUP_BUY_STATUS_LABEL: Record<GroupBuyStatus, string> = {
  UPCOMING: '即将开始',
  OPEN: '拼团中',
  SUCCEEDED: '已成团',
  CLOSED: '已结束',
  FAILED: '未成团',
}

export const ORDER_STATUS_LABEL: Record<OrderStatus, string> = {
  PENDING_PAYMENT: '待支付',
  PAID: '已支付，待到货',
  READY_FOR_PICKUP: '待提货',
  PICKED_UP: '已提货',
  CANCELLED: '已取消',
  EXPIRED: '已超时关闭',
  REFUNDING: '退款中',
  REFUNDED: '已退款',
}

export const OFFER_STATUS_LABEL: Record<OfferStatus, string> = {
  UPCOMING: '未开始',
  OPEN: '供货中',
  ENDED: '已结束',
}

export const PURCHASE_ORDER_STATUS_LABEL: Record<PurchaseOrderStatus, string> = {
  OPEN: '待发货',
  SHIPPED: '已发货',
  RECEIVED: '已签收',
}

export const ROLE_LABEL: Record<Role, string> = {
  resident: '居民',
  leader: '团长',
  clerk: '店员',
  merchant: '商家',
  admin: '管理员',
}
