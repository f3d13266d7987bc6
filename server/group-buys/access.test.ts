import type { Role } from '@shared/contracts/common'
import type { UserDoc } from '@server/users/model'
import { canSeeGroupBuyOrders, canSignOffArrival, leadsGroupBuy } from './access'

// Every caller shape against one group buy (created by c1 at pp1, selling m1's offer): who leads it, who may sign off
// its arrival, who may see its orders. A leader or clerk of another point, another merchant, a resident: none.
const gb = { creatorOpenid: 'c1', pickupPointId: 'pp1', merchantId: 'm1' }
const user = (_id: string, roles: Role[], boundPickupPointId: string | null = null): UserDoc => ({ _id, roles: ['resident', ...roles], boundPickupPointId, createdAt: 0 })
const cases: Array<[string, UserDoc, { leads: boolean; arrival: boolean; sees: boolean }]> = [
  ['admin', user('a1', ['admin']), { leads: true, arrival: true, sees: true }],
  ['its creator', user('c1', ['leader'], 'pp9'), { leads: true, arrival: true, sees: true }],
  ['a leader of its point', user('l1', ['leader'], 'pp1'), { leads: true, arrival: true, sees: true }],
  ['a leader of another point', user('l2', ['leader'], 'pp2'), { leads: false, arrival: false, sees: false }],
  ['a clerk of its point', user('k1', ['clerk'], 'pp1'), { leads: false, arrival: true, sees: true }],
  ['a clerk of another point', user('k2', ['clerk'], 'pp2'), { leads: false, arrival: false, sees: false }],
  ['its merchant', user('m1', ['merchant']), { leads: false, arrival: false, sees: true }],
  ['another merchant', user('m2', ['merchant']), { leads: false, arrival: false, sees: false }],
  ['its merchant id without the merchant role', user('m1', []), { leads: false, arrival: false, sees: false }],
  ['a resident', user('r1', [], 'pp1'), { leads: false, arrival: false, sees: false }],
]

it.each(cases)('%s', (_name, u, expected) => {
  expect({ leads: leadsGroupBuy(u, gb), arrival: canSignOffArrival(u, gb), sees: canSeeGroupBuyOrders(u, gb) }).toEqual(expected)
})

it('a group buy with no offer has no merchant who may see it', () => {
  expect(canSeeGroupBuyOrders(user('m1', ['merchant']), { ...gb, merchantId: null })).toBe(false)
})
