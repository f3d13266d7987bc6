import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro'
import { friendlyMessage } from '@/components/error-copy'
import { formatSeq } from '@/components/format'
import { ORDER_STATUS_LABEL } from '@/components/labels'
import StateView from '@/components/StateView'
import MissingLink from '@/components/MissingLink'
import { ORDER_STATUSES, type OrderStatus } from '@/shared/contracts/order'
import { useSupplyStore } from '@/stores/supply'
import './index.scss'

const statusLabel = (s: string) => ((ORDER_STATUSES as readonly string[]).includes(s) ? ORDER_STATUS_LABEL[s as OrderStatus] : s)

/** 拣货单: who gets how many, in 跟团号 order, as the leader hands goods over; exported as CSV. */
export default function LeaderPickListPage() {
  const { params } = useRouter()
  const id = params.id ?? ''
  const supply = useSupplyStore()
  const list = supply.pickList.groupBuyId === id ? supply.pickList : null
  useDidShow(() => void supply.loadPickList(id))
  usePullDownRefresh(async () => {
    await supply.loadPickList(id)
    Taro.stopPullDownRefresh()
  })
  const total = list?.items.reduce((n, i) => n + i.servedQuantity, 0) ?? 0

  const exportCsv = async () => {
    const url = await supply.exportPickList(id)
    if (!url) void Taro.showToast({ title: friendlyMessage(useSupplyStore.getState().exportError), icon: 'none' })
  }

  if (!id) return <MissingLink what='团购' />
  return (
    <View className='page picklist'>
      <View className='section row'>
        <Text>{`共 ${list?.items.length ?? 0} 单 · 应发 ${total} 份`}</Text>
        <Button className='btn-ghost picklist__export' size='mini' loading={supply.exporting} disabled={supply.exporting || !list || list.items.length === 0} onClick={() => void exportCsv()}>
          导出 CSV
        </Button>
      </View>
      {supply.exportError && <Text className='form-error'>{friendlyMessage(supply.exportError)}</Text>}
      <View className='section'>
        <View className='row picklist__head'>
          <Text className='picklist__seq'>跟团号</Text>
          <Text className='picklist__name'>团员</Text>
          <Text className='picklist__qty'>应发</Text>
          <Text className='picklist__status'>状态</Text>
        </View>
        <StateView
          loading={!list || list.loading || !list.loaded}
          error={list?.error ?? null}
          empty={!list || list.items.length === 0}
          emptyText='还没有已付款的订单'
          onRetry={() => void supply.loadPickList(id)}
        >
          {list?.items.map((i, k) => (
            <View key={i.seq ?? `n-${k}`} className='row picklist__item'>
              <Text className='picklist__seq'>{formatSeq(i.seq)}</Text>
              <Text className='picklist__name'>{i.maskedName}</Text>
              <Text className='picklist__qty'>{i.servedQuantity < i.quantity ? `${i.servedQuantity}/${i.quantity}` : `×${i.quantity}`}</Text>
              <Text className='picklist__status muted'>{statusLabel(i.status)}</Text>
            </View>
          ))}
        </StateView>
      </View>
    </View>
  )
}
