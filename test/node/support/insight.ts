import { chinaMidnight } from '@shared/domain/calendar'
import { DEMO, must, type TestCloud } from './cloud'

/** Today as a whole China day: [00:00, 24:00) UTC+8, the dashboard's range for what a test sold just now. */
export function chinaToday(): { from: number; to: number } {
  const from = chinaMidnight(Date.now())
  return { from, to: from + 86_400_000 }
}

/** A fresh merchant account (so its dashboard holds exactly what the test sold). */
export async function newMerchant(cloud: TestCloud, openid: string): Promise<string> {
  await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid, role: 'merchant' }), 'grantRole')
  return openid
}

/** A fresh pickup point, made by the demo admin. */
export async function newPoint(cloud: TestCloud, name: string): Promise<string> {
  return (await must<{ pickupPointId: string }>(cloud.call('admin', DEMO.admin, { action: 'createPickupPoint', name, address: '审计路', storeName: '审计店' }), 'createPickupPoint')).pickupPointId
}
