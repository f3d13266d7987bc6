import { Axis, Canvas, Chart, Interval, Legend, jsx } from '@antv/f2'
import { formatFen } from '../format'
import type { ChartPoint, ChartKind } from './model'

// F2's element factory, called directly: the app's JSX belongs to React. Its own ElementType typing rejects
// components whose props have required fields (Axis' `field`), so it is typed here as what it accepts.
const el = jsx as (type: unknown, props: object, ...children: unknown[]) => unknown

const SALES = '销售额'
const REFUNDS = '退款'
const ORANGE = '#fa6400'
const PEACH = '#ffc59e'

/** A canvas node as both weapp (canvas 2d) and Taro H5 (the `<canvas>` inside taro-canvas-core) hand it over. */
export interface CanvasNode {
  width: number
  height: number
  getContext(type: '2d'): CanvasRenderingContext2D | null
}

/**
 * Draws the chart with F2 onto a canvas node measured at `width` × `height` CSS px; returns a destroy function,
 * or null when the node gives no 2d context (the caller then keeps the CSS bars).
 */
export function drawSalesChart(
  node: CanvasNode, size: { width: number; height: number }, screen: { pixelRatio: number; windowWidth: number }, kind: ChartKind, points: readonly ChartPoint[],
): (() => void) | null {
  const { pixelRatio, windowWidth } = screen
  const context = node.getContext('2d')
  if (!context) return null
  // The backing store is sized in device pixels, F2 lays out in CSS px and scales by pixelRatio.
  node.width = Math.round(size.width * pixelRatio)
  node.height = Math.round(size.height * pixelRatio)
  const withRefunds = points.some((p) => p.refundFen !== undefined)
  const data = points.flatMap((p) => [
    { label: p.label, series: SALES, fen: p.fen },
    ...(p.refundFen === undefined ? [] : [{ label: p.label, series: REFUNDS, fen: p.refundFen }]),
  ])
  // A long range (30 days) would print every label on top of each other; a few evenly spaced ones read better.
  const labelTicks = kind === 'column' && points.length > 8 ? { tickCount: 5 } : {}
  const chart = el(
    Chart,
    {
      data,
      coord: kind === 'bar' ? { transposed: true } : undefined,
      scale: {
        label: { type: 'cat', ...labelTicks },
        fen: { min: 0, nice: true, tickCount: 4, formatter: (v: number) => formatFen(v).replace(/\.00$/, '') },
      },
    },
    el(Axis, { field: 'label' }),
    el(Axis, { field: 'fen' }),
    el(Interval, {
      x: 'label',
      y: 'fen',
      color: withRefunds ? { field: 'series', range: [ORANGE, PEACH] } : ORANGE,
      adjust: withRefunds ? 'dodge' : undefined,
    }),
    withRefunds ? el(Legend, { position: 'top' }) : null,
  )
  // F2's theme is in 750-wide design px, like our styles; its own conversion reads the root font size, which
  // Taro H5 sets for rem (labels came out 4 px high) and weapp does not have.
  const px2hd = (px: number) => (px * windowWidth) / 750
  const canvas = new Canvas({ context, pixelRatio, width: size.width, height: size.height, px2hd, animate: false, children: chart })
  canvas.render()
  return () => canvas.destroy()
}
