import { Text } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { formatRemaining } from '../format'
import './index.scss'

interface Props {
  /** epoch ms the countdown runs to */
  to: number
  prefix?: string
  endedText?: string
}

/** A live countdown: ticks every second and stops itself at zero. */
export default function Countdown({ to, prefix = '距结束', endedText = '已结束' }: Props) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (to <= Date.now()) return
    const timer = setInterval(() => {
      const t = Date.now()
      setNow(t)
      if (t >= to) clearInterval(timer)
    }, 1000)
    return () => clearInterval(timer)
  }, [to])
  const left = to - now
  return <Text className='countdown'>{left > 0 ? `${prefix} ${formatRemaining(left)}` : endedText}</Text>
}
