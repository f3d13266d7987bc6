import { Image, Text, View } from '@tarojs/components'
import { useMemo } from 'react'
import { formatDateTime } from '../format'
import { pickupQrDataUrl } from './qr'
import './index.scss'

interface Props {
  code: string
  expiresAt: number | null
  used?: boolean
}

export default function PickupCode({ code, expiresAt, used = false }: Props) {
  const src = useMemo(() => pickupQrDataUrl(code), [code])
  return (
    <View className={`pickup-code ${used ? 'pickup-code--used' : ''}`}>
      <Text className='pickup-code__title'>{used ? '已提货' : '提货码'}</Text>
      <Text className='pickup-code__code' id='pickup-code-value'>{code}</Text>
      {!used && <Image className='pickup-code__qr' src={src} mode='scaleToFill' />}
      {!used && <Text className='pickup-code__hint'>到自提点出示此码，店员扫码或输入提货码核销</Text>}
      {!used && expiresAt ? <Text className='pickup-code__hint'>{`请在 ${formatDateTime(expiresAt)} 前提货`}</Text> : null}
    </View>
  )
}
