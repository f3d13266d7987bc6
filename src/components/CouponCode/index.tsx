import { Image, Text, View } from '@tarojs/components'
import { useMemo } from 'react'
import type { CouponView } from '@/shared/contracts/coupon'
import { qrDataUrl } from '../PickupCode/qr'
import { formatFen } from '../format'
import { couponUsability, validityText } from './usability'
import './index.scss'

interface Props {
  coupon: CouponView
  now: number
}

/** "123456789012" -> "1234 5678 9012": easier to read out at the counter. */
export function groupDigits(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ')
}

/** A coupon as its owner shows it at the counter: code large, QR for the scanner, status and validity. */
export default function CouponCode({ coupon, now }: Props) {
  const usability = couponUsability(coupon, now)
  const usable = usability.kind === 'usable'
  const src = useMemo(() => (usable ? qrDataUrl(coupon.qrContent) : ''), [usable, coupon.qrContent])
  return (
    <View className={`coupon-code ${usable ? '' : 'coupon-code--off'}`}>
      <Text className='coupon-code__title'>{`${coupon.title} · 抵 ${formatFen(coupon.valueFen)}`}</Text>
      <Text className='coupon-code__code'>{groupDigits(coupon.code)}</Text>
      {usable && <Image className='coupon-code__qr' src={src} mode='scaleToFill' />}
      <Text className='coupon-code__status'>{usability.label}</Text>
      <Text className='coupon-code__hint'>{validityText(coupon.validFrom, coupon.validTo)}</Text>
      {usable && <Text className='coupon-code__hint'>到自提点出示此券，店员扫码或输入券码核销</Text>}
    </View>
  )
}
