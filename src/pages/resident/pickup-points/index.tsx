import { Text, View } from '@tarojs/components'
import Taro, { useLoad, usePullDownRefresh } from '@tarojs/taro'
import StateView from '@/components/StateView'
import { friendlyMessage } from '@/components/error-copy'
import { useSessionStore } from '@/stores/session'
import './index.scss'

export default function PickupPointsPage() {
  const s = useSessionStore()
  useLoad(() => void useSessionStore.getState().loadPickupPoints())
  usePullDownRefresh(async () => {
    await s.loadPickupPoints()
    Taro.stopPullDownRefresh()
  })

  const choose = async (id: string) => {
    const error = await s.choosePickupPoint(id)
    if (error) {
      void Taro.showToast({ title: friendlyMessage(error), icon: 'none' })
      return
    }
    void Taro.showToast({ title: '已切换自提点', icon: 'success' })
    // Back to wherever the resident came from (home or 我的); both re-read the point on show.
    if (Taro.getCurrentPages().length > 1) void Taro.navigateBack()
    else void Taro.switchTab({ url: '/pages/resident/home/index' })
  }

  return (
    <View className='page'>
      <StateView
        loading={s.pickupPointsLoading}
        error={s.pickupPointsError}
        empty={s.pickupPoints.length === 0}
        emptyText='附近还没有自提点'
        onRetry={() => void s.loadPickupPoints()}
      >
        {s.pickupPoints.map((p) => (
          <View key={p.pickupPointId} className='section point' onClick={() => void choose(p.pickupPointId)}>
            <View className='point__head'>
              <Text className='point__name'>{p.name}</Text>
              {p.pickupPointId === s.pickupPointId && <Text className='point__current'>当前</Text>}
            </View>
            <Text className='muted'>{`${p.storeName} · ${p.address}`}</Text>
          </View>
        ))}
      </StateView>
    </View>
  )
}
