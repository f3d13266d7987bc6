import { Button, Canvas, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useId, useRef, useState } from 'react'
import Popup from '../kit/popup'
import { drawPoster, type PosterCanvas, type PosterData } from './draw'
import './index.scss'

interface Props {
  visible: boolean
  /** null while the code is being made. */
  data: PosterData | null
  /** Why the code could not be made (shown instead of the poster). */
  error?: string | null
  /** The file name an H5 download gets. */
  fileName: string
  onClose: () => void
}

type Drawn = 'drawing' | 'ready' | 'failed'

/**
 * 生成海报: the poster drawn on a canvas 2d (weapp and H5 alike, as the 销售看板 charts are), then saved to the
 * photo album (weapp: Taro.saveImageToPhotosAlbum) or downloaded as a PNG (H5).
 */
export default function Poster({ visible, data, error, fileName, onClose }: Props) {
  const id = `poster-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`
  const [drawn, setDrawn] = useState<Drawn>('drawing')
  const [saving, setSaving] = useState(false)
  const node = useRef<PosterCanvas | null>(null)

  useEffect(() => {
    if (!visible || !data) return
    let live = true
    setDrawn('drawing')
    // The canvas must be laid out before it hands over its node: wait for Taro to flush this render.
    Taro.nextTick(() => {
      Taro.createSelectorQuery()
        .select(`#${id}`)
        .node()
        .exec((res: Array<{ node?: PosterCanvas } | null> | undefined) => {
          const canvas = res?.[0]?.node
          if (!live) return
          if (!canvas) return setDrawn('failed')
          node.current = canvas
          drawPoster(canvas, data)
            .then((ok) => live && setDrawn(ok ? 'ready' : 'failed'))
            .catch((err) => {
              console.warn('Poster: drawing failed', err)
              if (live) setDrawn('failed')
            })
        })
    })
    return () => {
      live = false
    }
  }, [id, visible, data])

  const save = async () => {
    const canvas = node.current
    if (!canvas || drawn !== 'ready' || saving) return
    setSaving(true)
    try {
      if (process.env.TARO_ENV === 'weapp') {
        const { tempFilePath } = await Taro.canvasToTempFilePath({ canvas: canvas as unknown as Taro.Canvas, fileType: 'png' } as Taro.canvasToTempFilePath.Option)
        await Taro.saveImageToPhotosAlbum({ filePath: tempFilePath })
        void Taro.showToast({ title: '已保存到相册', icon: 'success' })
      } else {
        const a = document.createElement('a')
        a.href = (canvas as unknown as HTMLCanvasElement).toDataURL('image/png')
        a.download = fileName
        document.body.appendChild(a)
        a.click()
        a.remove()
        void Taro.showToast({ title: '海报已下载', icon: 'success' })
      }
    } catch (err) {
      console.warn('Poster: saving failed', err)
      void Taro.showToast({ title: '保存失败，请长按海报保存或截屏', icon: 'none' })
    } finally {
      setSaving(false)
    }
  }

  return (
    <Popup visible={visible} position='bottom' round onClose={onClose}>
      <View className={`poster${drawn === 'ready' && data ? ' poster--ready' : ''}`}>
        <Text className='poster__title'>分享海报</Text>
        {data ? <Canvas id={id} type='2d' className='poster__canvas' /> : <View className='poster__canvas poster__placeholder'>{error ?? '正在生成小程序码…'}</View>}
        {drawn === 'failed' && <Text className='poster__error'>海报没画出来，请稍后重试</Text>}
        <Button key={process.env.TARO_ENV === 'weapp' ? '保存到相册' : '下载海报'} className='btn-primary poster__save' disabled={drawn !== 'ready' || saving} loading={saving} onClick={() => void save()}>
          {process.env.TARO_ENV === 'weapp' ? '保存到相册' : '下载海报'}
        </Button>
      </View>
    </Popup>
  )
}
