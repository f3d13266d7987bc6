import { Button, Image, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { formatDateTime, formatFen } from '@/components/format'
import StateView from '@/components/StateView'
import { friendlyMessage } from '@/components/error-copy'
import { AFTER_SALES_REASON_LABELS } from '@/shared/domain/after-sales'
import { useAfterPickupStore } from '@/stores/after-pickup'
import './index.scss'

/** 售后处理: the cases waiting for my decision (a leader's pickup point, a merchant's offers), approve or reject. */
export default function AfterSalesInboxPage() {
  const a = useAfterPickupStore()
  useDidShow(() => void useAfterPickupStore.getState().loadInbox())
  usePullDownRefresh(async () => {
    await a.loadInbox()
    Taro.stopPullDownRefresh()
  })

  const decide = async (caseId: string, approve: boolean) => {
    let note: string | undefined
    if (!approve) {
      const res = await Taro.showModal({ title: '拒绝售后', content: '', editable: true, placeholderText: '告诉居民原因（选填）' } as Taro.showModal.Option)
      if (!res.confirm) return
      note = (res as { content?: string }).content?.trim() || undefined
    } else {
      const res = await Taro.showModal({ title: '同意售后', content: '同意后将原路退款给居民' })
      if (!res.confirm) return
    }
    const done = await a.decide(caseId, approve, note)
    void Taro.showToast({ title: done ? (approve ? '已同意，退款处理中' : '已拒绝') : friendlyMessage(useAfterPickupStore.getState().error), icon: 'none' })
  }

  if (a.inbox.length === 0) {
    return (
      <View className='page'>
        <StateView loading={a.inboxLoading} error={a.error} empty emptyText='没有待处理的售后' onRetry={() => void a.loadInbox()} />
      </View>
    )
  }
  return (
    <View className='page'>
      {a.inbox.map((c) => (
        <View key={c.caseId} className='inbox__item'>
          <View className='row'>
            <Text className='section__title'>{c.title}</Text>
            <Text className='muted'>{formatDateTime(c.createdAt)}</Text>
          </View>
          <Text>{`${c.maskedName} · ${AFTER_SALES_REASON_LABELS[c.reason]} · ×${c.quantity} · 退款 ${formatFen(c.refundFen)}`}</Text>
          {c.text && <Text className='inbox__text'>{c.text}</Text>}
          {c.imageUrls.length > 0 && (
            <View className='inbox__photos'>
              {c.imageUrls.map((u, i) => (
                <Image key={i} className='inbox__photo' src={u} mode='aspectFill' onClick={() => void Taro.previewImage({ urls: c.imageUrls, current: u })} />
              ))}
            </View>
          )}
          <View className='inbox__actions'>
            <Button className='inbox__reject' disabled={a.saving} onClick={() => void decide(c.caseId, false)}>拒绝</Button>
            <Button className='btn-primary inbox__approve' disabled={a.saving} onClick={() => void decide(c.caseId, true)}>同意退款</Button>
          </View>
        </View>
      ))}
    </View>
  )
}
