import { Button, Input, Text, View } from '@tarojs/components'
import { CONTACT_NAME_MAX, CONTACT_NOTE_MAX, CONTACT_PHONE_PATTERN, normalizePhone } from '@/shared/domain/contact'
import { useEffect, useState } from 'react'
import type { ClientError } from '@/shared/client-result'
import { ROLL_OVER_WINDOW_DAYS, type OnFail } from '@/shared/domain/roll-over'
import { friendlyMessage } from '@/components/error-copy'
import { formatFen } from '../format'
import QuantityStepper from '../QuantityStepper'
import './index.scss'

interface Props {
  title: string
  priceFen: number
  unit: string
  limitPerUser: number
  /** What this person may still take: min(limit - already held, stock left). */
  maxQuantity: number
  alreadyHeld: number
  submitting: boolean
  error: ClientError | null
  /** Ask for the 收货人 (once: when the resident has none yet). */
  askContact?: boolean
  onConfirm: (quantity: number, contact?: JoinContact) => void
  onClose: () => void
  /** 拼团未成时: refund (default) or keep the order for the leader's next group. Shown when given. */
  onFail?: OnFail
  onFailChange?: (choice: OnFail) => void
}

export interface JoinContact {
  name: string
  phone?: string
  note?: string
}

export default function JoinSheet(props: Props) {
  const { title, priceFen, unit, limitPerUser, maxQuantity, alreadyHeld, submitting, error, askContact = false, onConfirm, onClose, onFail, onFailChange } = props
  const [quantity, setQuantity] = useState(1)
  const [name, setName] = useState('')
  const [phone, setPhone] = useState('')
  const [note, setNote] = useState('')
  const [contactError, setContactError] = useState('')
  const submit = () => {
    if (!askContact) return onConfirm(quantity)
    const digits = normalizePhone(phone)
    // Optional (joining never needs it): left empty, the lists show 邻居** with the 跟团号 as before.
    if (!name.trim() && !digits && !note.trim()) return onConfirm(quantity)
    if (!name.trim()) return setContactError('请填写称呼，团长按称呼和跟团号给你备货')
    if (digits && !CONTACT_PHONE_PATTERN.test(digits)) return setContactError('手机号应为 11 位数字（可不填）')
    setContactError('')
    onConfirm(quantity, { name: name.trim(), ...(digits ? { phone: digits } : {}), ...(note.trim() ? { note: note.trim() } : {}) })
  }
  useEffect(() => {
    if (quantity > maxQuantity) setQuantity(Math.max(1, maxQuantity))
  }, [maxQuantity, quantity])
  const total = priceFen * quantity
  return (
    <View className='join-sheet'>
      <View className='join-sheet__mask' onClick={onClose} />
      <View className='join-sheet__panel'>
        <Text className='join-sheet__title'>{title}</Text>
        <View className='row'>
          <Text>{`单价 ${formatFen(priceFen)}/${unit}`}</Text>
          <QuantityStepper value={quantity} max={Math.max(1, maxQuantity)} onChange={setQuantity} />
        </View>
        <Text className='muted'>
          {`每人限购 ${limitPerUser}${unit}`}
          {alreadyHeld > 0 ? `，你已参团 ${alreadyHeld}${unit}` : ''}
        </Text>
        {askContact && (
          <View className='join-sheet__contact'>
            <Text className='join-sheet__contact-title'>收货人（选填，只给本自提点的团长和店员看，手机号只显示尾号）</Text>
            <Input className='join-sheet__input' id='join-contact-name' placeholder='称呼，如 王阿姨' maxlength={CONTACT_NAME_MAX} value={name} onInput={(e) => setName(e.detail.value)} />
            <Input className='join-sheet__input' id='join-contact-phone' type='number' placeholder='手机号（选填）' maxlength={13} value={phone} onInput={(e) => setPhone(e.detail.value)} />
            <Input className='join-sheet__input' id='join-contact-note' placeholder='门牌/备注（选填），如 3-201' maxlength={CONTACT_NOTE_MAX} value={note} onInput={(e) => setNote(e.detail.value)} />
            {contactError && <Text className='join-sheet__error'>{contactError}</Text>}
          </View>
        )}
        {onFailChange && (
          <View className='row join-sheet__on-fail'>
            <Text className='muted'>没成团时</Text>
            <View className='join-sheet__choices'>
              <Text className={`join-sheet__choice${onFail !== 'ROLL_OVER' ? ' join-sheet__choice--on' : ''}`} onClick={() => onFailChange('REFUND')}>
                退款
              </Text>
              <Text className={`join-sheet__choice${onFail === 'ROLL_OVER' ? ' join-sheet__choice--on' : ''}`} onClick={() => onFailChange('ROLL_OVER')}>
                {`保留到下一团（${ROLL_OVER_WINDOW_DAYS} 天内）`}
              </Text>
            </View>
          </View>
        )}
        {error && <Text className='join-sheet__error'>{friendlyMessage(error)}</Text>}
        <View className='row join-sheet__total'>
          <Text>合计</Text>
          <Text className='join-sheet__amount'>{formatFen(total)}</Text>
        </View>
        <Button key={maxQuantity < 1 ? '已达限购' : `确认支付 ${formatFen(total)}`} className='btn-primary' loading={submitting} disabled={submitting || maxQuantity < 1} onClick={submit}>
          {maxQuantity < 1 ? '已达限购' : `确认支付 ${formatFen(total)}`}
        </Button>
      </View>
    </View>
  )
}
