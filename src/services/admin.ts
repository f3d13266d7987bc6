import type { adminContract, AdminOutputs } from '@/shared/contracts/admin'
import type { z } from 'zod'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof adminContract, AdminOutputs>('admin')

export const adminService = {
  createPickupPoint: (input: { name: string; address: string; storeName: string }) => call('createPickupPoint', input),
  grantRole: (openid: string, role: 'leader' | 'clerk' | 'merchant', pickupPointId?: string) =>
    call('grantRole', { openid, role, ...(pickupPointId ? { pickupPointId } : {}) }),
  listRoles: (cursor?: string) => call('listRoles', cursor ? { cursor } : {}),
  reconcile: () => call('reconcile', {}),
  lastReconciliation: () => call('lastReconciliation', {}),
  shippingBacklog: () => call('shippingBacklog', {}),
  /** 配送到家 settings of a pickup point (#25). */
  setDelivery: (input: z.input<typeof adminContract.setDelivery>) => call('setDelivery', input),
  getPointsRule: () => call('getPointsRule', {}),
  setPointsRule: (rule: { pointsPerYuan: number; maxPerRedemption: number }) => call('setPointsRule', rule),
}
