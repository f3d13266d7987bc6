import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { useEffect, useRef } from 'react'
import IdentitySwitcher from '@/components/IdentitySwitcher'
import StateView from '@/components/StateView'
import { ROLES, type Role } from '@/shared/domain/roles'
import { useAfterPickupStore } from '@/stores/after-pickup'
import { useNoticesStore } from '@/stores/notices'
import { hasRole, useSessionStore } from '@/stores/session'
import { ensureSession } from '@/stores/use-session-ready'
import './index.scss'

interface Entry {
  label: string
  url: string
  badge?: number
}

/** Every role but resident works somewhere. */
const STAFF_ROLES = ROLES.filter((r) => r !== 'resident')

/** The work screens on 我的, top to bottom, each shown to the roles listed. */
const WORK_ENTRIES: (Entry & { roles: readonly Role[] })[] = [
  { label: '核销台', url: '/pages/clerk/verify/index', roles: ['clerk'] },
  { label: '今日提货记录', url: '/pages/clerk/today/index', roles: ['clerk'] },
  { label: '门店收益', url: '/pages/leader/earnings/index?as=store', roles: ['clerk'] },
  { label: '配送单', url: '/pages/clerk/delivery/index', roles: ['leader', 'clerk'] },
  { label: '销售看板', url: '/pages/insight/index', roles: STAFF_ROLES },
  { label: '平台管理', url: '/pages/admin/home/index', roles: ['admin'] },
  { label: '商家后台', url: '/pages/merchant/home/index', roles: ['merchant'] },
  { label: '服务核销 · 今日预约', url: '/pages/provider/vouchers/index', roles: ['merchant', 'clerk'] },
  { label: '售后处理', url: '/pages/leader/after-sales/index', roles: ['leader', 'merchant'] },
  { label: '团长工作台', url: '/pages/leader/home/index', roles: ['leader'] },
  { label: '货源 · 帮卖开团', url: '/pages/leader/supply/index', roles: ['leader'] },
]

export default function MePage() {
  const s = useSessionStore()
  const member = useAfterPickupStore((st) => st.member)
  /** Whose 我的 is on screen: switching identity (local mode) empties the stores, so this page loads again. */
  const shownFor = useRef<string | null>(null)
  const refreshMine = () => {
    shownFor.current = useSessionStore.getState().openid
    void useAfterPickupStore.getState().loadMember()
    if (useSessionStore.getState().pickupPoints.length === 0) void useSessionStore.getState().loadPickupPoints()
    void useNoticesStore.getState().refresh()
  }
  useDidShow(() => {
    void ensureSession()
    refreshMine()
  })
  useEffect(() => {
    if (s.openid && s.openid !== shownFor.current) refreshMine()
  }, [s.openid])
  const unread = useNoticesStore((n) => n.unread)
  const point = s.pickupPoints.find((p) => p.pickupPointId === s.pickupPointId)

  const entries: Entry[] = [
    // Work screens follow the roles the backend reports, not anything chosen on the client.
    ...WORK_ENTRIES.filter((e) => e.roles.some((r) => hasRole(s.roles, r))),
    { label: '消息通知', url: '/pages/resident/notices/index', badge: unread },
    { label: '我的优惠券 / 领券中心', url: '/pages/resident/coupons/index' },
    { label: '切换自提点', url: '/pages/resident/pickup-points/index' },
    { label: '隐私与数据', url: '/pages/resident/privacy/index' },
  ]

  return (
    <View className='page'>
      <IdentitySwitcher />
      {s.status !== 'ready' ? (
        <StateView loading={s.status !== 'error'} error={s.error} empty emptyText='' onRetry={() => void s.load()} />
      ) : (
        <>
          {member && (
            <View className='section me__member'>
              <View className='row'>
                <Text className='section__title'>{`会员积分 ${member.points}`}</Text>
                <Text className='me__level'>{member.levelName}</Text>
              </View>
              <Text className='muted'>
                {member.nextLevelAt !== null ? `再得 ${member.nextLevelAt - member.lifetimePoints} 积分升级` : '已是最高等级'}
                {'，提货每 1 元得 1 积分，可在领券中心兑换会员券'}
              </Text>
            </View>
          )}
          <View className='section'>
            <Text className='section__title'>我的自提点</Text>
            <Text>{point ? `${point.name}（${point.storeName}）` : '还没有选择自提点'}</Text>
            {point && <Text className='muted me__addr'>{point.address}</Text>}
            <Text className='muted me__openid'>{`我的 openid：${s.openid ?? ''}`}</Text>
          </View>
          <View className='section'>
            {entries.map((e) => (
              <View key={e.url} className='row me__entry' onClick={() => Taro.navigateTo({ url: e.url })}>
                <Text>{e.label}</Text>
                <View>
                  {e.badge ? <Text className='me__badge'>{e.badge > 99 ? '99+' : e.badge}</Text> : null}
                  <Text className='muted'>›</Text>
                </View>
              </View>
            ))}
          </View>
        </>
      )}
    </View>
  )
}
