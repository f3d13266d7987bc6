import { Image, Text, View } from '@tarojs/components'
import { useState } from 'react'
import Swiper from '../kit/swiper'
import './index.scss'

interface Props {
  urls: string[]
  /** Shown when there is no photo (or none could be fetched). */
  placeholder: string
}

/** A group buy's photos, swiped one by one with a 1/3 counter; one photo is shown still, none a placeholder. */
export default function Gallery({ urls, placeholder }: Props) {
  const shown = urls.filter(Boolean)
  const [index, setIndex] = useState(0)
  if (shown.length === 0) return <View className='gallery gallery--blank'>{placeholder}</View>
  if (shown.length === 1) return <Image className='gallery gallery__img' src={shown[0]} mode='aspectFill' />
  return (
    <View className='gallery'>
      <Swiper defaultValue={0} loop={false} onChange={(e: unknown) => setIndex(typeof e === 'number' ? e : ((e as { detail?: { current?: number } }).detail?.current ?? 0))}>
        {shown.map((u) => (
          <Swiper.Item key={u}>
            <Image className='gallery__img' src={u} mode='aspectFill' />
          </Swiper.Item>
        ))}
      </Swiper>
      <Text className='gallery__count'>{`${index + 1}/${shown.length}`}</Text>
    </View>
  )
}
