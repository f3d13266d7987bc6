import type { DeliveryAddress, DeliverySettings } from '@shared/domain/delivery'

/**
 * 配送到家's stored shapes (#25). A pickup point's settings live on the point (`pickupPoints.delivery`); a delivery
 * order carries its address, slot and fee (`orders.fulfilment: 'DELIVERY'`, `orders.delivery`), frozen at join.
 */
export interface StoredDeliverySettings extends DeliverySettings {
  updatedAt: number
}

export interface PickupPointDeliveryFields {
  delivery?: StoredDeliverySettings | null
}

export interface OrderDeliveryFields {
  /** Absent on pickup orders (every order before #25). */
  fulfilment?: 'DELIVERY'
  delivery?: DeliveryAddress
}
