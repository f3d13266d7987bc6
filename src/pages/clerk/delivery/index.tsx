import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { useState } from 'react'
import { friendlyMessage } from '@/components/error-copy'
import StateView from '@/components/StateView'
import { contactLine } from '@/shared/domain/contact'
import { formatPickupWindow } from '@/shared/domain/pickup'
import { groupByBuilding, useDeliveryStore } from '@/stores/delivery'
import { hasRole, useSessionStore } from '@/stores/session'
import { ensureSession } from '@/stores/use-session-ready'
import './index.scss'

/**
 * 配送单 (#25): the point's deliveries by building and room, for its leader and clerks; the clerk delivering types
 * the resident's code at the door (送达核销: the counter's own exactly-once, audited check). CSV for the printer.
 */
export default function DeliveryListPage() {
  const session = useSessionStore()
  const store = useDeliveryStore()
  const [code, setCode] = useState('')
  const pointId = session.boundPickupPointId
  const isClerk = hasRole(session.roles, 'clerk')

  useDidShow(() => {
    void (async () => {
      await ensureSession()
      const id = useSessionStore.getState().boundPickupPointId
      if (id) void useDeliveryStore.getState().load(id)
    })()
  })
  usePullDownRefresh(async () => {
    if (pointId) await store.load(pointId)
    Taro.stopPullDownRefresh()
  })

  const verify = async () => {
    const res = await store.verifyAtDoor(code)
    if (!res) return void Taro.showToast({ title: '请输入 8 位提货码', icon: 'none' })
    if (res.ok) setCode('')
  }
  const exportCsv = async () => {
    const url = await store.exportCsv()
    if (!url) void Taro.showToast({ title: friendlyMessage(useDeliveryStore.getState().error), icon: 'none' })
  }

  const groups = groupByBuilding(store.items)
  const total = store.items.reduce((n, s) => n + s.leftQuantity, 0)
  const result = store.result

  return (
    <View className='page delivery'>
      {isClerk && (
        <View className='section'>
          <Text className='section__title'>送达核销</Text>
          <Text className='muted'>到门口后，输入住户出示的提货码</Text>
          <Input className='delivery__input' id='door-code' value={code} placeholder='8 位提货码' maxlength={12} onInput={(e) => setCode(e.detail.value)} onConfirm={() => void verify()} />
          <Button className='btn-primary' id='door-verify' loading={store.verifying} disabled={store.verifying} onClick={() => void verify()}>
            确认送达
          </Button>
          {result && (
            <Text id='door-result' className={`delivery__result ${result.ok ? 'delivery__result--ok' : 'delivery__result--fail'}`}>
              {result.ok
                ? `已送达：${result.data.title} ×${result.data.quantity}${result.data.leftQuantity > 0 ? `（还剩 ${result.data.leftQuantity} 件待送）` : ''}`
                : `核销失败：${friendlyMessage(result.error)}`}
            </Text>
          )}
        </View>
      )}
      <View className='section row'>
        <Text id='delivery-total'>{`待配送 ${store.items.length} 单 · ${total} 件`}</Text>
        <Button className='btn-ghost delivery__export' size='mini' loading={store.exporting} disabled={store.exporting || store.items.length === 0} onClick={() => void exportCsv()}>
          导出 CSV
        </Button>
      </View>
      <StateView
        loading={!pointId ? session.status !== 'ready' : store.loading && !store.loaded}
        error={store.error}
        empty={store.items.length === 0}
        emptyText={pointId ? '暂无待配送的订单（到货后出现在这里）' : '你还没有绑定自提点'}
        onRetry={() => pointId && void store.load(pointId)}
      >
        {groups.map((g) => (
          <View key={g.building} className='section delivery__group'>
            <Text className='delivery__building'>{`${g.building}（${g.stops.length} 户）`}</Text>
            {g.stops.map((s) => (
              <View key={s.orderId} className='delivery__stop'>
                <View className='row'>
                  <Text className='delivery__room'>{s.room}</Text>
                  <Text>{`${s.title} ×${s.leftQuantity}`}</Text>
                </View>
                <Text className='delivery__line'>{`${formatPickupWindow(s.slotStartAt, s.slotEndAt)} · ${contactLine(s.contact) || s.maskedName}`}</Text>
              </View>
            ))}
          </View>
        ))}
      </StateView>
    </View>
  )
}
