import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useReachBottom } from '@tarojs/taro'
import { useState } from 'react'
import { friendlyMessage } from '@/components/error-copy'
import Field from '@/components/Field'
import { checkWithSchema } from '@/components/form-fields'
import Tabs from '@/components/kit/tabs'
import { ROLE_LABEL } from '@/components/labels'
import StateView from '@/components/StateView'
import { adminContract } from '@/shared/contracts/admin'
import { GRANTABLE_ROLES, isPointBound } from '@/shared/contracts/common'
import { useAdminStore, type GrantableRole } from '@/stores/admin'
import { useSessionStore } from '@/stores/session'
import './index.scss'

type Tab = 'points' | 'people'
const POINT_LABELS = { name: '自提点名称', address: '地址', storeName: '门店名称' }
const GRANT_ROLES: { role: GrantableRole; label: string }[] = GRANTABLE_ROLES.map((role) => ({ role, label: ROLE_LABEL[role] }))

export default function AdminHomePage() {
  const [tab, setTab] = useState<Tab>('points')
  const admin = useAdminStore()
  const session = useSessionStore()
  const [point, setPoint] = useState({ name: '', address: '', storeName: '' })
  const [pointErrors, setPointErrors] = useState<Record<string, string>>({})
  const [grant, setGrant] = useState<{ openid: string; role: GrantableRole; pickupPointId: string | null }>({ openid: '', role: 'clerk', pickupPointId: null })
  const [grantError, setGrantError] = useState('')

  useDidShow(() => {
    void useSessionStore.getState().loadPickupPoints()
    void useAdminStore.getState().refreshRoles()
  })
  useReachBottom(() => void (tab === 'people' ? admin.loadMoreRoles() : undefined))

  const createPoint = async () => {
    const checked = checkWithSchema(adminContract.createPickupPoint, point, POINT_LABELS)
    if (!checked.ok) {
      setPointErrors(checked.errors)
      return
    }
    setPointErrors({})
    if (await admin.createPickupPoint(checked.value)) {
      setPoint({ name: '', address: '', storeName: '' })
      void Taro.showToast({ title: '自提点已创建', icon: 'success' })
    }
  }

  const grantRole = async () => {
    const openid = grant.openid.trim()
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(openid)) return setGrantError('请填写对方的 openid（字母、数字、_ 或 -）')
    if (isPointBound(grant.role) && !grant.pickupPointId) return setGrantError('团长和店员需要选择所在自提点')
    setGrantError('')
    if (await admin.grant(openid, grant.role, grant.pickupPointId)) {
      setGrant((g) => ({ ...g, openid: '' }))
      void Taro.showToast({ title: '已授权', icon: 'success' })
    }
  }

  const pointName = (id: string | null) => session.pickupPoints.find((p) => p.pickupPointId === id)?.name ?? ''

  return (
    <View className='page admin'>
      <View className='section' onClick={() => void Taro.navigateTo({ url: '/pages/admin/reconcile/index' })}>
        <Text>对账 · 最近一次对账结果 ›</Text>
      </View>
      <Tabs value={tab} onChange={(v) => setTab(v as Tab)}>
        <Tabs.TabPane title='自提点' value='points'>
          <View className='section'>
            <Text className='section__title'>新建自提点</Text>
            <Field label='自提点名称' value={point.name} error={pointErrors.name} onInput={(v) => setPoint({ ...point, name: v })} placeholder='例如：幸福里社区' />
            <Field label='地址' value={point.address} error={pointErrors.address} onInput={(v) => setPoint({ ...point, address: v })} placeholder='商家按这个地址送货' />
            <Field label='门店名称' value={point.storeName} error={pointErrors.storeName} onInput={(v) => setPoint({ ...point, storeName: v })} placeholder='例如：幸福里便民店' />
            {tab === 'points' && admin.saveError && <Text className='form-field__error'>{friendlyMessage(admin.saveError)}</Text>}
            <Button className='btn-primary admin__submit' loading={admin.saving} disabled={admin.saving} onClick={() => void createPoint()}>
              创建自提点
            </Button>
          </View>
          <View className='section'>
            <Text className='section__title'>{`全部自提点（${session.pickupPoints.length}）`}</Text>
            <StateView
              loading={session.pickupPointsLoading}
              error={session.pickupPointsError}
              empty={session.pickupPoints.length === 0}
              emptyText='还没有自提点'
              onRetry={() => void session.loadPickupPoints()}
            >
              {session.pickupPoints.map((p) => (
                <View key={p.pickupPointId} className='admin__point'>
                  <Text className='admin__point-name'>{`${p.name}（${p.storeName}）`}</Text>
                  <Text className='muted'>{p.address}</Text>
                  <Text className='admin__delivery-link' onClick={() => void Taro.navigateTo({ url: `/pages/admin/delivery/index?pickupPointId=${p.pickupPointId}` })}>
                    {p.delivery ? `配送到家：${p.delivery.buildings.length} 栋 · 配送设置 ›` : '配送设置 ›'}
                  </Text>
                </View>
              ))}
            </StateView>
          </View>
        </Tabs.TabPane>
        <Tabs.TabPane title='人员与角色' value='people'>
          <View className='section'>
            <Text className='section__title'>授予角色</Text>
            <Field label='对方的 openid' value={grant.openid} onInput={(v) => setGrant({ ...grant, openid: v })} placeholder='对方在「我的」页可看到' />
            <Field label='角色'>
              <View className='admin__chips'>
                {GRANT_ROLES.map((r) => (
                  <Text key={r.role} className={`admin__chip ${grant.role === r.role ? 'admin__chip--on' : ''}`} onClick={() => setGrant({ ...grant, role: r.role })}>
                    {r.label}
                  </Text>
                ))}
              </View>
            </Field>
            {isPointBound(grant.role) && (
              <Field label='所在自提点'>
                <View className='admin__chips'>
                  {session.pickupPoints.map((p) => (
                    <Text
                      key={p.pickupPointId}
                      className={`admin__chip ${grant.pickupPointId === p.pickupPointId ? 'admin__chip--on' : ''}`}
                      onClick={() => setGrant({ ...grant, pickupPointId: p.pickupPointId })}
                    >
                      {p.name}
                    </Text>
                  ))}
                </View>
              </Field>
            )}
            {grantError && <Text className='form-field__error'>{grantError}</Text>}
            {tab === 'people' && admin.saveError && <Text className='form-field__error'>{friendlyMessage(admin.saveError)}</Text>}
            <Button className='btn-primary admin__submit' loading={admin.saving} disabled={admin.saving} onClick={() => void grantRole()}>
              授权
            </Button>
          </View>
          <View className='section'>
            <Text className='section__title'>谁担任什么角色</Text>
            <StateView
              loading={admin.roles.loading || !admin.roles.loaded}
              error={admin.roles.error}
              empty={admin.roles.items.length === 0}
              emptyText='还没有授予任何角色'
              onRetry={() => void admin.refreshRoles()}
            >
              {admin.roles.items.map((h) => (
                <View key={h.openid} className='row admin__holder'>
                  <Text className='admin__openid'>{h.openid}</Text>
                  <View>
                    {h.roles
                      .filter((r) => r !== 'resident')
                      .map((r) => (
                        <Text key={r} className='tag'>
                          {isPointBound(r) ? `${ROLE_LABEL[r]} · ${h.boundPickupPointName ?? pointName(h.boundPickupPointId)}` : ROLE_LABEL[r]}
                        </Text>
                      ))}
                  </View>
                </View>
              ))}
              {admin.roles.nextCursor && <View className='load-more'>上拉加载更多</View>}
            </StateView>
          </View>
        </Tabs.TabPane>
      </Tabs>
    </View>
  )
}
