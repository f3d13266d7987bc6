import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useReachBottom } from '@tarojs/taro'
import { useState } from 'react'
import { friendlyMessage } from '@/components/error-copy'
import Field from '@/components/Field'
import { checkWithSchema, toInt } from '@/components/form-fields'
import Tabs from '@/components/kit/tabs'
import { ROLE_LABEL } from '@/components/labels'
import StateView from '@/components/StateView'
import { adminContract } from '@/shared/contracts/admin'
import { GRANTABLE_ROLES, isPointBound } from '@/shared/contracts/common'
import { maxPointsOnRedeem } from '@/shared/domain/members'
import { useAdminStore, type GrantableRole } from '@/stores/admin'
import { useSessionStore } from '@/stores/session'
import './index.scss'

type Tab = 'points' | 'people' | 'rule'
const POINT_LABELS = { name: '自提点名称', address: '地址', storeName: '门店名称' }
const RULE_LABELS = { pointsPerYuan: '每 1 元券面值最多送积分', maxPerRedemption: '单次核销最多送积分' }
const GRANT_ROLES: { role: GrantableRole; label: string }[] = GRANTABLE_ROLES.map((role) => ({ role, label: ROLE_LABEL[role] }))

export default function AdminHomePage() {
  const [tab, setTab] = useState<Tab>('points')
  const admin = useAdminStore()
  const session = useSessionStore()
  const [point, setPoint] = useState({ name: '', address: '', storeName: '' })
  const [pointErrors, setPointErrors] = useState<Record<string, string>>({})
  const [grant, setGrant] = useState<{ openid: string; role: GrantableRole; pickupPointId: string | null }>({ openid: '', role: 'clerk', pickupPointId: null })
  const [grantError, setGrantError] = useState('')
  // The points rule form: text as typed, filled from the server's rule once it is loaded.
  const [rule, setRule] = useState<{ pointsPerYuan: string; maxPerRedemption: string } | null>(null)
  const [ruleErrors, setRuleErrors] = useState<Record<string, string>>({})
  const shownRule = rule ?? (admin.pointsRule ? { pointsPerYuan: String(admin.pointsRule.pointsPerYuan), maxPerRedemption: String(admin.pointsRule.maxPerRedemption) } : { pointsPerYuan: '', maxPerRedemption: '' })

  useDidShow(() => {
    void useSessionStore.getState().loadPickupPoints()
    void useAdminStore.getState().refreshRoles()
    void useAdminStore.getState().loadPointsRule()
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

  const saveRule = async () => {
    const checked = checkWithSchema(adminContract.setPointsRule, { pointsPerYuan: toInt(shownRule.pointsPerYuan), maxPerRedemption: toInt(shownRule.maxPerRedemption) }, RULE_LABELS)
    if (!checked.ok) {
      setRuleErrors(checked.errors)
      return
    }
    setRuleErrors({})
    if (await admin.savePointsRule(checked.value)) {
      setRule(null)
      void Taro.showToast({ title: '积分规则已保存', icon: 'success' })
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
        <Tabs.TabPane title='积分规则' value='rule'>
          <View className='section'>
            <Text className='section__title'>商家活动的核销送积分上限</Text>
            <Text className='muted'>积分是平台的价值：商家创建券活动时，每次核销送的积分不能超过「券面值（元）× 每元积分」，也不能超过单次上限。</Text>
            <StateView loading={!admin.pointsRule && !admin.pointsRuleError} error={admin.pointsRuleError} empty={!admin.pointsRule} emptyText='积分规则未读到' onRetry={() => void admin.loadPointsRule()}>
              <Field label={RULE_LABELS.pointsPerYuan} type='number' value={shownRule.pointsPerYuan} error={ruleErrors.pointsPerYuan} onInput={(v) => setRule({ ...shownRule, pointsPerYuan: v })} placeholder='0–100' />
              <Field label={RULE_LABELS.maxPerRedemption} type='number' value={shownRule.maxPerRedemption} error={ruleErrors.maxPerRedemption} onInput={(v) => setRule({ ...shownRule, maxPerRedemption: v })} placeholder='0–100000' />
              {admin.pointsRule && (
                <Text className='muted'>{`当前规则下，一张 ¥20 的券每次核销最多送 ${maxPointsOnRedeem(2000, admin.pointsRule)} 积分`}</Text>
              )}
              {tab === 'rule' && admin.saveError && <Text className='form-field__error'>{friendlyMessage(admin.saveError)}</Text>}
              <Button className='btn-primary admin__submit' loading={admin.saving} disabled={admin.saving} onClick={() => void saveRule()}>
                保存积分规则
              </Button>
            </StateView>
          </View>
        </Tabs.TabPane>
      </Tabs>
    </View>
  )
}
