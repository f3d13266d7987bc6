/** What a sales chart draws; shared by the component (index.tsx) and its canvas drawing (draw.ts). */
export type ChartKind = 'column' | 'bar'
/** One category of the chart: its label and its sum in fen (and, for days, that day's refunds). */
export interface ChartPoint {
  label: string
  fen: number
  refundFen?: number
}
