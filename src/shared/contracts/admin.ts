import { z } from 'zod'
import { id, shortText } from './common'

export const adminContract = {
  createPickupPoint: z.object({ name: shortText(40), address: shortText(120), storeName: shortText(40) }).strict(),
  grantRole: z
    .object({ openid: id, role: z.enum(['leader', 'clerk', 'merchant']), pickupPointId: id.optional() })
    .strict()
    .refine((v) => v.role === 'merchant' || v.pickupPointId !== undefined, {
      message: 'leaders and clerks are bound to a pickup point',
      path: ['pickupPointId'],
    }),
} as const

export interface AdminOutputs {
  createPickupPoint: { pickupPointId: string }
  grantRole: Record<string, never>
}
