import { Canvas, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useId, useState } from 'react'
import { formatFen } from '../format'
import { barPercents } from './bars'
import type { CanvasNode } from './draw'
import { drawSalesChart } from './draw'
import './index.scss'
import type { ChartKind, ChartPoint } from './model'

export type { ChartKind, ChartPoint } from './model'

interface Props {
  /** column: upright bars along a time axis (sales per day); bar: horizontal bars (sales per pickup point). */
  kind: ChartKind
  points: readonly ChartPoint[]
}

/**
 * Design px (750 wide) to screen px. Not Taro.pxTransform: on H5 it calls our config's designWidth function,
 * which Taro inlines into the bundle without the helper its `typeof` compiles to (ReferenceError: _type_of).
 */
function rpx(n: number): number {
  return Math.round((n * Taro.getWindowInfo().windowWidth) / 750)
}

interface Measured {
  node?: CanvasNode | null
  width?: number
  height?: number
}

/**
 * Sales as an F2 chart on a canvas 2d (weapp and H5 alike). Where no canvas can be drawn (jsdom, an old base
 * library) the same numbers show as CSS bars, so the screen never goes blank.
 */
export default function SalesChart({ kind, points }: Props) {
  const id = `sales-chart-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`
  const [drawn, setDrawn] = useState<boolean | null>(null)

  useEffect(() => {
    let destroy: (() => void) | null = null
    let live = true
    // The canvas must be laid out before it can be measured: wait for Taro to flush this render to the view layer.
    Taro.nextTick(() => {
      // Size and node as two answers: Taro H5 hands over the canvas only through node(), not fields({ node }).
      Taro.createSelectorQuery()
        .select(`#${id}`)
        .boundingClientRect()
        .select(`#${id}`)
        .node()
        .exec((res: [Measured | null, Measured | null] | undefined) => {
          if (!live) return
          const box = res?.[0]
          const node = res?.[1]?.node
          if (!node || !box?.width || !box.height) return setDrawn(false)
          try {
            destroy = drawSalesChart(node, { width: box.width, height: box.height }, Taro.getWindowInfo(), kind, points)
          } catch (err) {
            console.warn('SalesChart: drawing failed, showing CSS bars', err)
            destroy = null
          }
          setDrawn(destroy !== null)
        })
    })
    return () => {
      live = false
      destroy?.()
    }
  }, [id, kind, points])

  const percents = barPercents(points.flatMap((p) => [p.fen, p.refundFen ?? 0]))
  return (
    <View className={`sales-chart sales-chart--${kind}`}>
      {drawn !== false && (
        // A bar per pickup point: the chart grows with the list instead of squeezing the bars.
        <Canvas id={id} type='2d' className='sales-chart__canvas' style={kind === 'bar' ? { height: `${rpx(96 + 64 * points.length)}px` } : undefined} />
      )}
      {drawn === false && kind === 'column' && (
        <View className='sales-chart__days'>
          {points.map((p, i) => (
            <View key={p.label} className='sales-chart__day' aria-label={`${p.label} ${formatFen(p.fen)}`}>
              <View className='sales-chart__day-bar' style={{ height: `${percents[i * 2]}%` }} />
              {p.refundFen !== undefined && (
                <View className='sales-chart__day-bar sales-chart__day-refund' style={{ height: `${percents[i * 2 + 1]}%` }} />
              )}
            </View>
          ))}
        </View>
      )}
      {drawn === false && kind === 'column' && points.length > 0 && (
        <View className='sales-chart__axis'>
          <Text className='muted'>{points[0].label}</Text>
          <Text className='muted'>{points[points.length - 1].label}</Text>
        </View>
      )}
      {drawn === false && kind === 'column' && <Text className='muted sales-chart__legend'>橙色：销售额，浅色：当日退款</Text>}
      {drawn === false && kind === 'bar' && points.map((p, i) => (
        <View key={i} className='sales-chart__hbar-track' aria-label={`${p.label} ${formatFen(p.fen)}`}>
          <View className='sales-chart__hbar' style={{ width: `${percents[i * 2]}%` }} />
        </View>
      ))}
    </View>
  )
}
