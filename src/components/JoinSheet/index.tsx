import { Button, Input, Text, View } from '@tarojs/components'
import { CONTACT_NAME_MAX, CONTACT_NOTE_MAX, CONTACT_PHONE_PATTERN, normalizePhone } from '@/shared/domain/contact'
import { useEffect, useState } from 'react'
import type { ClientError } from '@/shared/client-result'
import { ROLL_OVER_WINDOW_DAYS, type OnFail } from '@/shared/domain/roll-over'
import { deliveryFeeFor, openSlots, ROOM_MAX, type DeliverySettings, type DeliverySlot } from '@/shared/domain/delivery'
import { formatPickupWindow } from '@/shared/domain/pickup'
import type { JoinDelivery } from '@/shared/contracts/delivery'
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
  onConfirm: (quantity: number, contact?: JoinContact, delivery?: JoinDelivery) => void
  /** 配送到家 (#25): the point's delivery terms; the sheet offers the choice only when given. */
  delivery?: DeliverySettings | null
  /** The 楼栋/门牌 saved on the resident's 收货人, to start from. */
  savedAddress?: { building?: string; room?: string } | null
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

export type { JoinDelivery }

export default function JoinSheet(props: Props) {
  const { title, priceFen, unit, limitPerUser, maxQuantity, alreadyHeld, submitting, error, askContact = false, onConfirm, onClose, onFail, onFailChange, delivery, savedAddress } = props
  const [mode, setMode] = useState<'PICKUP' | 'DELIVERY'>('PICKUP')
  const [building, setBuilding] = useState(savedAddress?.building && delivery?.buildings.includes(savedAddress.building) ? savedAddress.building : '')
  const [room, setRoom] = useState(savedAddress?.room ?? '')
  const [slot, setSlot] = useState<DeliverySlot | null>(null)
  const slots = delivery ? openSlots(delivery, Date.now()) : []
  const delivering = mode === 'DELIVERY' && !!delivery
  const [quantity, setQuantity] = useState(1)
  const [name, setName] = useState('')
  const [phone, setPhone] = useState('')
  const [note, setNote] = useState('')
  const [contactError, setContactError] = useState('')
  const submit = () => {
    let toDoor: JoinDelivery | undefined
    if (delivering) {
      if (!building) return setContactError('请选择配送楼栋')
      if (!room.trim()) return setContactError('请填写门牌号，如 1201')
      if (!slot) return setContactError('请选择配送时段')
      toDoor = { fulfilment: 'DELIVERY', building, room: room.trim(), slot }
    }
    const confirmWith = (contact?: JoinContact) => (toDoor ? onConfirm(quantity, contact, toDoor) : contact ? onConfirm(quantity, contact) : onConfirm(quantity))
    if (!askContact) return confirmWith()
    const digits = normalizePhone(phone)
    // Optional (joining never needs it): left empty, the lists show 邻居** with the 跟团号 as before.
    if (!name.trim() && !digits && !note.trim()) return confirmWith()
    if (!name.trim()) return setContactError('请填写称呼，团长按称呼和跟团号给你备货')
    if (digits && !CONTACT_PHONE_PATTERN.test(digits)) return setContactError('手机号应为 11 位数字（可不填）')
    setContactError('')
    confirmWith({ name: name.trim(), ...(digits ? { phone: digits } : {}), ...(note.trim() ? { note: note.trim() } : {}) })
  }
  useEffect(() => {
    if (quantity > maxQuantity) setQuantity(Math.max(1, maxQuantity))
  }, [maxQuantity, quantity])
  const goods = priceFen * quantity
  const fee = delivering ? deliveryFeeFor(delivery, goods) : 0
  const total = goods + fee
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
        {delivery && (
          <View className='join-sheet__delivery'>
            <View className='row'>
              <Text className='muted'>取货方式</Text>
              <View className='join-sheet__choices'>
                <Text className={`join-sheet__choice${mode === 'PICKUP' ? ' join-sheet__choice--on' : ''}`} onClick={() => setMode('PICKUP')}>
                  到店自提
                </Text>
                <Text id='join-delivery' className={`join-sheet__choice${mode === 'DELIVERY' ? ' join-sheet__choice--on' : ''}`} onClick={() => setMode('DELIVERY')}>
                  配送到家
                </Text>
              </View>
            </View>
            {delivering && (
              <View className='join-sheet__door'>
                <Text className='join-sheet__contact-title'>
                  {`配送费 ${formatFen(delivery.feeFen)}${delivery.freeOverFen !== null ? `，满 ${formatFen(delivery.freeOverFen)} 免配送费` : ''}`}
                </Text>
                <Text className='muted'>楼栋</Text>
                <View className='join-sheet__choices join-sheet__wrap'>
                  {delivery.buildings.map((b) => (
                    <Text key={b} className={`join-sheet__choice${building === b ? ' join-sheet__choice--on' : ''}`} onClick={() => setBuilding(b)}>
                      {b}
                    </Text>
                  ))}
                </View>
                <Input className='join-sheet__input' id='join-delivery-room' placeholder='门牌号，如 1201' maxlength={ROOM_MAX} value={room} onInput={(e) => setRoom(e.detail.value)} />
                <Text className='muted'>配送时段</Text>
                <View className='join-sheet__choices join-sheet__wrap'>
                  {slots.length === 0 && <Text className='muted'>暂无可选时段，请选择到店自提</Text>}
                  {slots.map((s) => (
                    <Text
                      key={s.startAt}
                      className={`join-sheet__choice join-sheet__slot${slot?.startAt === s.startAt && slot.endAt === s.endAt ? ' join-sheet__choice--on' : ''}`}
                      onClick={() => setSlot(s)}
                    >
                      {formatPickupWindow(s.startAt, s.endAt)}
                    </Text>
                  ))}
                </View>
              </View>
            )}
          </View>
        )}
        {askContact && (
          <View className='join-sheet__contact'>
            <Text className='join-sheet__contact-title'>收货人（选填，只给本自提点的团长和店员看，手机号只显示尾号）</Text>
            <Input className='join-sheet__input' id='join-contact-name' placeholder='称呼，如 王阿姨' maxlength={CONTACT_NAME_MAX} value={name} onInput={(e) => setName(e.detail.value)} />
            <Input className='join-sheet__input' id='join-contact-phone' type='number' placeholder='手机号（选填）' maxlength={13} value={phone} onInput={(e) => setPhone(e.detail.value)} />
            <Input className='join-sheet__input' id='join-contact-note' placeholder='门牌/备注（选填），如 3-201' maxlength={CONTACT_NOTE_MAX} value={note} onInput={(e) => setNote(e.detail.value)} />
            {contactError && <Text className='join-sheet__error'>{contactError}</Text>}
          </View>
        )}
        {!askContact && contactError && <Text className='join-sheet__error'>{contactError}</Text>}
        {onFailChange && !delivering && (
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
        {delivering && (
          <View className='row join-sheet__fee'>
            <Text className='muted'>配送费</Text>
            <Text className='muted'>{fee > 0 ? formatFen(fee) : '免配送费'}</Text>
          </View>
        )}
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
