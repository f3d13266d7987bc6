import { Button, Switch, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { useEffect } from 'react'
import StateView from '@/components/StateView'
import { friendlyMessage } from '@/components/error-copy'
import { K_ANONYMITY_MIN } from '@/shared/domain/insight'
import { usePrivacyStore } from '@/stores/privacy'
import { resetUserScopedStores } from '@/stores/reset'
import { useSessionStore } from '@/stores/session'
import './index.scss'

/** What we hold and why (个人信息保护法: told plainly, before anything is asked). */
const COLLECTED: string[] = [
  '微信身份标识（openid）：识别你是谁，不含昵称、手机号',
  '你选择的自提点：展示该自提点的团购',
  '订单、退款与提货记录：履约与对账所需',
  '优惠券与领券记录、站内通知、订阅消息授权',
  '营销推荐授权（默认关闭）：开启后才会按购买习惯向你推荐优惠',
]

/**
 * 我的 → 隐私与数据: what is collected, the marketing switch (off by default, withdrawable any time), a copy of
 * everything held about me, and deleting my account.
 */
export default function PrivacyPage() {
  const { consent, error, busy, exported, load, setConsent, exportData: exportMine, deleteAccount: deleteMine, reset } = usePrivacyStore()
  // What this page shows belongs to this visit (and to this person): leaving it forgets it.
  useEffect(() => reset, [reset])
  useDidShow(() => void load())

  const toggle = async (value: boolean) => {
    const failed = await setConsent(value)
    if (failed) void Taro.showToast({ title: friendlyMessage(failed), icon: 'none' })
  }

  const exportData = async () => {
    const failed = await exportMine()
    if (failed) void Taro.showToast({ title: friendlyMessage(failed), icon: 'none' })
  }

  const copyLink = () => {
    if (exported) void Taro.setClipboardData({ data: exported.url })
  }

  const deleteAccount = async () => {
    const sure = await Taro.showModal({
      title: '注销账号',
      content: '将删除你的资料、授权、通知和评价内容，未使用的优惠券作废。订单与退款记录按财务要求保留，但不再与你关联。此操作不可撤销。',
      confirmText: '确认注销',
      confirmColor: '#e53935',
    })
    if (!sure.confirm) return
    const failed = await deleteMine()
    if (failed) return void Taro.showToast({ title: friendlyMessage(failed), icon: 'none' })
    resetUserScopedStores()
    await useSessionStore.getState().load()
    void Taro.showToast({ title: '账号已注销', icon: 'success' })
    void Taro.reLaunch({ url: '/pages/resident/home/index' })
  }

  if (consent === null) return <StateView loading={!error} error={error} empty emptyText='' onRetry={() => void load()} />

  return (
    <View className='page'>
      <View className='section'>
        <Text className='section__title'>我们收集什么</Text>
        {COLLECTED.map((c) => (
          <Text key={c} className='privacy__item'>· {c}</Text>
        ))}
        <Text className='muted privacy__hint'>团长与门店只看到打码后的称呼（如 张**）和跟团号。</Text>
      </View>
      <View className='section'>
        <View className='privacy__switch'>
          <Text>接收个性化优惠推荐</Text>
          <Switch checked={consent} disabled={busy} color='#fa6400' onChange={(e) => void toggle(e.detail.value)} />
        </View>
        <Text className='muted privacy__hint'>{`商家只能看到人数（不少于 ${K_ANONYMITY_MIN} 人），看不到任何人的身份；每天最多一条推荐，可随时关闭。`}</Text>
      </View>
      <View className='section'>
        <Text className='section__title'>我的数据</Text>
        <Button className='btn-primary privacy__btn' disabled={busy} onClick={() => void exportData()}>导出我的数据</Button>
        {exported && (
          <View>
            <Text className='privacy__result'>已导出：订单 {exported.orders} 条、优惠券 {exported.coupons} 张、通知 {exported.notices} 条。</Text>
            <Text className='muted privacy__result' onClick={copyLink}>下载链接（2 小时内有效，点击复制）：{exported.url}</Text>
          </View>
        )}
        <Button className='privacy__danger' disabled={busy} onClick={() => void deleteAccount()}>注销账号</Button>
      </View>
    </View>
  )
}
