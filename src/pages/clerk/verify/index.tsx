import { Button, Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { friendlyMessage } from '@/services/error-messages'
import { useClerkStore } from '@/stores/clerk'
import './index.scss'

const canScan = process.env.TARO_ENV === 'weapp'

export default function ClerkVerifyPage() {
  const [code, setCode] = useState('')
  const { verifying, result, verify, clearResult } = useClerkStore()

  const submit = (raw: string) => {
    if (!raw.trim()) {
      void Taro.showToast({ title: '请输入提货码', icon: 'none' })
      return
    }
    void verify(raw)
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
          <Text className='verify-result__title'>{ok ? '核销成功' : '核销失败'}</Text>
          {result.kind === 'success' ? (
            <View className='verify-result__body'>
              <Text className='verify-result__line verify-result__what'>{result.data.title ?? '团购商品'}</Text>
              <Text className='verify-result__line verify-result__qty'>{`数量 ×${result.data.quantity}`}</Text>
              {result.data.seq != null || result.data.maskedName ? (
                <Text className='verify-result__line'>{`跟团号 #${result.data.seq ?? '-'} ${result.data.maskedName ?? ''}`}</Text>
              ) : null}
              <Text className='verify-result__line verify-result__muted'>{`提货码 ${result.code} · 请将商品交给顾客`}</Text>
            </View>
          ) : (
            <View className='verify-result__body'>
              <Text className='verify-result__line verify-result__why'>{friendlyMessage(result.error)}</Text>
              <Text className='verify-result__line verify-result__muted'>{`提货码 ${result.code}`}</Text>
            </View>
          )}
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
        <Text className='section__title'>输入提货码</Text>
        <Input
          className='verify__input'
          value={code}
          placeholder='请输入顾客出示的提货码'
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
