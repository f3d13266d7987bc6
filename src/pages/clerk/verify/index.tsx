import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { formatFen } from '@/components/format'
import { friendlyMessage } from '@/components/error-copy'
import { contactLine } from '@/shared/domain/contact'
import { readCounterCode, useClerkStore, type VerifyResult } from '@/stores/clerk'
import './index.scss'

const canScan = process.env.TARO_ENV === 'weapp'

export default function ClerkVerifyPage() {
  const [code, setCode] = useState('')
  const { verifying, result, verify, clearResult } = useClerkStore()

  const submit = (raw: string) => {
    const counter = readCounterCode(raw)
    if (!counter) {
      void Taro.showToast({ title: raw.trim() ? '请输入 8 位提货码或 12 位券码' : '请输入提货码或券码', icon: 'none' })
      return
    }
    void verify(counter)
  }
  const scan = async () => {
    try {
      const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] })
      setCode(res.result)
      submit(res.result)
    } catch {
      // The clerk closed the camera: nothing to do, manual entry is still there.
    }
  }
  const next = () => {
    clearResult()
    setCode('')
  }

  if (result) {
    const ok = result.kind === 'success'
    // Distinct keys: the result screen and the form must not share DOM nodes, or the tap on 继续核销 can land
    // on the form's "今日提货记录" row that React reuses in its place.
    return (
      <View className='page' key='result'>
        <View className={`verify-result ${ok ? 'verify-result--ok' : 'verify-result--fail'}`}>
          <Text className='verify-result__icon'>{ok ? '✓' : '✕'}</Text>
          <Text className='verify-result__kind'>{result.what === 'pickup' ? '提货' : '优惠券'}</Text>
          <Text className='verify-result__title'>{ok ? '核销成功' : '核销失败'}</Text>
          <ResultBody result={result} />
        </View>
        <View className='verify__actions'>
          <Button className='btn-primary' onClick={next}>
            继续核销
          </Button>
        </View>
      </View>
    )
  }

  return (
    <View className='page' key='form'>
      <View className='section'>
        <Text className='section__title'>输入提货码或券码</Text>
        <Text className='muted verify__hint'>8 位数字为提货码，12 位数字为优惠券码，系统自动识别</Text>
        <Input
          className='verify__input'
          value={code}
          placeholder='请输入顾客出示的提货码或券码'
          maxlength={32}
          confirmType='done'
          onInput={(e) => setCode(e.detail.value)}
          onConfirm={() => submit(code)}
        />
        <Button className='btn-primary verify__submit' loading={verifying} disabled={verifying} onClick={() => submit(code)}>
          核销
        </Button>
        {canScan && (
          <Button className='verify__scan' disabled={verifying} onClick={() => void scan()}>
            扫码核销
          </Button>
        )}
      </View>
      <View className='row section' onClick={() => Taro.navigateTo({ url: '/pages/clerk/today/index' })}>
        <Text>今日提货记录</Text>
        <Text className='muted'>›</Text>
      </View>
    </View>
  )
}

/** Success says what to hand over (or how much to take off); failure says why, in words the clerk can repeat. */
function ResultBody({ result }: { result: VerifyResult }) {
  const codeLabel = result.code ? `${result.what === 'pickup' ? '提货码' : '券码'} ${result.code}` : '按名单交付'
  if (result.kind === 'failure') {
    return (
      <View className='verify-result__body'>
        <Text className='verify-result__line verify-result__why'>{friendlyMessage(result.error)}</Text>
        <Text className='verify-result__line verify-result__muted'>{codeLabel}</Text>
      </View>
    )
  }
  if (result.what === 'coupon') {
    return (
      <View className='verify-result__body'>
        <Text className='verify-result__line verify-result__what'>{result.data.title}</Text>
        <Text className='verify-result__line verify-result__qty'>{`抵扣 ${formatFen(result.data.valueFen)}`}</Text>
        <Text className='verify-result__line verify-result__muted'>{`${codeLabel} · 请按券面金额给顾客抵扣`}</Text>
      </View>
    )
  }
  // An all-my-orders code hands over several orders: one line each; otherwise the one order (maybe a part).
  const orders = result.data.orders ?? [result.data]
  const who = contactLine(result.data.contact) || result.data.maskedName
  const via = result.data.via === 'delegate' ? '代取码' : result.data.via === 'myCode' ? '一码提货' : result.data.via === 'list' ? '按名单' : null
  return (
    <View className='verify-result__body'>
      {orders.map((o) => (
        <View key={o.orderId}>
          <Text className='verify-result__line verify-result__what'>{o.title}</Text>
          <Text className='verify-result__line verify-result__qty'>{`数量 ×${o.quantity}${o.leftQuantity > 0 ? `（还剩 ${o.leftQuantity} 待提）` : ''}`}</Text>
        </View>
      ))}
      <Text className='verify-result__line'>{`顾客 ${who}`}</Text>
      <Text className='verify-result__line verify-result__muted'>{`${via ? `${via} · ` : ''}${codeLabel} · 请将商品交给顾客`}</Text>
    </View>
  )
}
