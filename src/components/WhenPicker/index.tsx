import { Text, View } from '@tarojs/components'
import { useMemo, useState } from 'react'
import DatePicker from '../kit/datepicker'
import { chipText, wallFromColumns, wheelDate, wheelRange, type Wall } from './wall'
import './index.scss'

export type { Wall } from './wall'

interface Props {
  value: Wall
  onChange: (value: Wall) => void
  /** The wheel starts today (China): nothing earlier can be picked. */
  now: number
  /** The wheel's title, e.g. 结束时间. */
  title: string
  /** 'time': only a time of day, on `value.date`. */
  mode?: 'datetime' | 'time'
  /** Shown while nothing is chosen. */
  placeholder?: string
  /** The last instant offered (e.g. the offer's own end); a year from today otherwise. */
  maxAt?: number
  className?: string
}

/**
 * A date-and-time field: a chip showing the choice, opening NutUI's DatePicker (type datetime) that starts today.
 * The picker stays mounted and is shown through its `visible` prop.
 */
export default function WhenPicker({ value, onChange, now, title, mode = 'datetime', placeholder = '选择时间', maxAt, className }: Props) {
  const [open, setOpen] = useState(false)
  const range = useMemo(() => wheelRange(now, maxAt), [now, maxAt])
  // NutUI regenerates its columns whenever these Date objects change identity: keep them stable.
  const startDate = useMemo(() => wheelDate(range.start), [range])
  const endDate = useMemo(() => wheelDate(range.end), [range])
  const chosen = value.date !== '' && value.time !== ''
  const day = value.date || range.start.date
  const current = useMemo(() => wheelDate({ date: day, time: value.time || '20:00' }), [day, value.time])
  return (
    <View className={`when ${className ?? ''}`}>
      <Text className={`when__chip ${chosen ? '' : 'when__chip--empty'}`} onClick={() => setOpen(true)}>
        {chosen ? chipText(value, mode) : placeholder}
      </Text>
      <DatePicker
        visible={open}
        title={title}
        type={mode === 'time' ? 'hour-minutes' : 'datetime'}
        showChinese
        startDate={startDate}
        endDate={endDate}
        value={current}
        onClose={() => setOpen(false)}
        onConfirm={(_options: unknown, values: readonly (string | number | null)[]) => {
          setOpen(false)
          onChange(wallFromColumns(values, mode, day))
        }}
      />
    </View>
  )
}

export interface Preset {
  label: string
  onPick: () => void
}

/** One-tap times under a field (今晚 20:00 截团, 明日 16:00–20:00 提货, …). */
export function TimePresets({ items }: { items: readonly Preset[] }) {
  if (items.length === 0) return null
  return (
    <View className='when__presets'>
      {items.map((p) => (
        <Text key={p.label} className='when__preset' onClick={p.onPick}>
          {p.label}
        </Text>
      ))}
    </View>
  )
}
