import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { useState } from 'react'
import { friendlyMessage } from '@/components/error-copy'
import { formatDateTime } from '@/components/format'
import { slotText } from '@/components/SlotPicker'
import StateView from '@/components/StateView'
import { isVoucherCodeFormat, type VoucherViewState } from '@/shared/domain/voucher'
import { useVoucherStore } from '@/stores/voucher'
import './index.scss'

const canScan = process.env.TARO_ENV === 'weapp'

const STATE_TAG: Record<VoucherViewState, { text: string; cls: string }> = {
  PENDING: { text: '待支付', cls: 'tag--muted' },
  VALID: { text: '待核销', cls: '' },
  REDEEMED: { text: '已核销', cls: 'tag--done' },
  CANCELLED: { text: '已取消', cls: 'tag--muted' },
  EXPIRED: { text: '已过期', cls: 'tag--muted' },
}

/**
 * 服务核销 (#25): the provider — the merchant of a service, or a clerk of a store serving it — scans or types a
 * resident's 10-digit voucher code at the appointment, and sees today's appointments.
 */
export default function ProviderVouchersPage() {
  const [code, setCode] = useState('')
  const v = useVoucherStore()

  useDidShow(() => void useVoucherStore.getState().loadToday())
  usePullDownRefresh(async () => {
    await v.loadToday()
    Taro.stopPullDownRefresh()
  })

  const submit = async (raw: string) => {
    const c = raw.replace(/\s+/g, '')
    if (!isVoucherCodeFormat(c)) {
      void Taro.showToast({ title: '请输入 10 位券码', icon: 'none' })
      return
    }
    const done = await v.redeem(c)
    if (done) setCode('')
    void Taro.showToast({ title: done ? '核销成功' : friendlyMessage(useVoucherStore.getState().redeemError), icon: done ? 'success' : 'none' })
  }
  const scan = async () => {
    try {
      const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] })
      setCode(res.result)
      void submit(res.result)
    } catch {
      // The camera was closed: typing the code is still there.
    }
  }

  return (
    <View className='page provider'>
      <View className='section'>
        <Text className='section__title'>核销服务券</Text>
        <Input
          className='provider__input'
          id='voucher-code-input'
          type='number'
          maxlength={10}
          placeholder='输入 10 位券码'
          value={code}
          onInput={(e) => setCode(e.detail.value)}
          onConfirm={() => void submit(code)}
        />
        <View className='provider__actions'>
          {canScan && (
            <Button className='btn-ghost provider__btn' onClick={() => void scan()}>
              扫码核销
            </Button>
          )}
          <Button className='btn-primary provider__btn' id='voucher-redeem' disabled={v.redeeming} loading={v.redeeming} onClick={() => void submit(code)}>
            核销
          </Button>
        </View>
        {v.redeemed && (
          <View className='provider__result' id='voucher-result'>
            <Text className='provider__result-title'>{`核销成功：${v.redeemed.title}`}</Text>
            <Text className='muted'>{`${v.redeemed.maskedName} · ${v.redeemed.quantity} 份 · ${slotText({ startAt: v.redeemed.slotStartAt, endAt: v.redeemed.slotEndAt })}`}</Text>
          </View>
        )}
        {v.redeemError && <Text className='form-error provider__error'>{friendlyMessage(v.redeemError)}</Text>}
      </View>
      <View className='section'>
        <Text className='section__title'>今日预约</Text>
        <StateView loading={v.todayLoading && v.today.length === 0} error={v.todayError} empty={v.today.length === 0} emptyText='今天没有预约' onRetry={() => void v.loadToday()}>
          {v.today.map((a) => (
            <View className='provider__appt' key={a.orderId}>
              <View className='row'>
                <Text>{slotText({ startAt: a.slotStartAt, endAt: a.slotEndAt })}</Text>
                <Text className={`tag ${STATE_TAG[a.state].cls}`}>{STATE_TAG[a.state].text}</Text>
              </View>
              <Text className='muted'>{`${a.title} · ${a.maskedName} · ${a.quantity} 份${a.redeemedAt ? ` · ${formatDateTime(a.redeemedAt)} 核销` : ''}`}</Text>
            </View>
          ))}
        </StateView>
      </View>
    </View>
  )
}
