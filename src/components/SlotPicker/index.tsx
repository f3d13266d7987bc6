import { Text, View } from '@tarojs/components'
import type { SlotView } from '@/shared/contracts/voucher'
import { formatTime } from '../format'
import './index.scss'

interface Props {
  slots: SlotView[]
  selected: string | null
  now: number
  /** A slot that cannot be chosen (e.g. the voucher's current one when rescheduling). */
  exclude?: string | null
  onSelect: (slotId: string) => void
}

/** 预约时段: one row per slot with the places left; full and started slots cannot be chosen. */
export default function SlotPicker({ slots, selected, now, exclude = null, onSelect }: Props) {
  return (
    <View className='slot-picker'>
      {slots.map((s) => {
        const started = s.startAt <= now
        const full = s.left <= 0
        const disabled = started || full || s.slotId === exclude
        const on = s.slotId === selected
        return (
          <View
            key={s.slotId}
            className={`slot-picker__slot ${on ? 'slot-picker__slot--on' : ''} ${disabled ? 'slot-picker__slot--off' : ''}`}
            data-slot-index={s.index}
            onClick={() => !disabled && onSelect(s.slotId)}
          >
            <Text className='slot-picker__time'>{slotText(s)}</Text>
            <Text className='slot-picker__left'>{s.slotId === exclude ? '当前时段' : started ? '已开始' : full ? '已约满' : `剩 ${s.left} 个名额`}</Text>
          </View>
        )
      })}
    </View>
  )
}

/** 12-05 14:00–16:00 (the end's day is the start's: a slot is at most a day, and shown as its hours). */
export function slotText(s: { startAt: number; endAt: number }): string {
  return `${formatTime(s.startAt)}–${formatTime(s.endAt).slice(6)}`
}
