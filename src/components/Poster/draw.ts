import { formatFen, formatTime } from '../format'

/** A canvas 2d node as weapp and Taro H5 hand it over (weapp images come from node.createImage()). */
export interface PosterCanvas {
  width: number
  height: number
  getContext(type: '2d'): CanvasRenderingContext2D | null
  createImage?: () => HTMLImageElement
}

export interface PosterTier {
  minQuantity: number
  priceFen: number
}

/** Everything a poster prints. */
export interface PosterData {
  title: string
  priceFen: number
  originalPriceFen: number | null
  unit: string
  tiers: readonly PosterTier[]
  paidParticipants: number
  minParticipants: number
  endAt: number
  pickupPointName: string
  pickupPointAddress: string
  leaderName: string
  /** The first photo (a temp URL), '' for none. */
  photoUrl: string
  /** The mini-program code (a temp URL of its PNG). */
  codeUrl: string
}

/** The poster's own pixel size: exported as is, shown scaled down by CSS. */
export const POSTER_WIDTH = 600
export const POSTER_HEIGHT = 960

const ORANGE = '#fa6400'

function loadImage(node: PosterCanvas, src: string): Promise<HTMLImageElement | null> {
  if (!src) return Promise.resolve(null)
  return new Promise((resolve) => {
    const img = node.createImage ? node.createImage() : new Image()
    // H5: a cross-origin photo must be CORS-loaded, or the canvas could not be exported afterwards.
    if (!node.createImage) img.crossOrigin = 'anonymous'
    img.onload = () => resolve(img)
    img.onerror = () => resolve(null)
    img.src = src
  })
}

/** Lines of `text` that fit `maxWidth`, at most `maxLines` (the last one ends in … when cut). */
export function wrapText(measure: (s: string) => number, text: string, maxWidth: number, maxLines: number): string[] {
  const lines: string[] = []
  let line = ''
  const chars = Array.from(text)
  for (let i = 0; i < chars.length; i++) {
    const next = line + chars[i]
    if (measure(next) <= maxWidth) {
      line = next
      continue
    }
    if (lines.length === maxLines - 1) {
      while (line && measure(line + '…') > maxWidth) line = line.slice(0, -1)
      lines.push(line + '…')
      return lines
    }
    lines.push(line)
    line = chars[i]
  }
  if (line) lines.push(line)
  return lines
}

/** The poster's lines of price text: the price paid now, then the cheaper tiers it drops to. */
export function tierLine(tiers: readonly PosterTier[], unit: string): string {
  if (tiers.length < 2) return ''
  return tiers.slice(1).map((t) => `满${t.minQuantity}${unit} ${formatFen(t.priceFen)}`).join(' · ')
}

/**
 * Draws the poster on `node` (sized to POSTER_WIDTH × POSTER_HEIGHT): photo, title, price and tiers, 成团
 * progress, pickup point, the leader's 称呼 and the code. Resolves once the images are in; false when the node
 * has no 2d context.
 */
export async function drawPoster(node: PosterCanvas, d: PosterData): Promise<boolean> {
  const ctx = node.getContext('2d')
  if (!ctx) return false
  node.width = POSTER_WIDTH
  node.height = POSTER_HEIGHT
  const [photo, code] = await Promise.all([loadImage(node, d.photoUrl), loadImage(node, d.codeUrl)])
  const W = POSTER_WIDTH
  const pad = 32
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, W, POSTER_HEIGHT)

  // Photo: a square crop of the first photo, or an orange band with the title when there is none.
  const photoH = 420
  if (photo) {
    const side = Math.min(photo.width, photo.height)
    ctx.drawImage(photo, (photo.width - side) / 2, (photo.height - side) / 2, side, side * (photoH / W), 0, 0, W, photoH)
  } else {
    ctx.fillStyle = '#fff1e8'
    ctx.fillRect(0, 0, W, photoH)
    ctx.fillStyle = ORANGE
    ctx.font = 'bold 48px sans-serif'
    ctx.textAlign = 'center'
    ctx.fillText('邻里团', W / 2, photoH / 2 + 16)
    ctx.textAlign = 'left'
  }

  let y = photoH + 56
  ctx.fillStyle = '#222222'
  ctx.font = 'bold 34px sans-serif'
  for (const line of wrapText((s) => ctx.measureText(s).width, d.title, W - pad * 2, 2)) {
    ctx.fillText(line, pad, y)
    y += 46
  }

  y += 18
  ctx.fillStyle = ORANGE
  ctx.font = 'bold 52px sans-serif'
  const price = formatFen(d.priceFen)
  ctx.fillText(price, pad, y)
  if (d.originalPriceFen && d.originalPriceFen > d.priceFen) {
    const x = pad + ctx.measureText(price).width + 16
    ctx.fillStyle = '#999999'
    ctx.font = '26px sans-serif'
    const orig = formatFen(d.originalPriceFen)
    ctx.fillText(orig, x, y)
    ctx.fillRect(x, y - 9, ctx.measureText(orig).width, 2)
  }
  const tiers = tierLine(d.tiers, d.unit)
  if (tiers) {
    y += 44
    ctx.fillStyle = ORANGE
    ctx.font = '26px sans-serif'
    for (const line of wrapText((s) => ctx.measureText(s).width, `阶梯价 ${tiers}`, W - pad * 2, 2)) {
      ctx.fillText(line, pad, y)
      y += 34
    }
    y -= 34
  }

  // 成团 progress bar.
  y += 40
  const done = Math.min(1, d.minParticipants > 0 ? d.paidParticipants / d.minParticipants : 1)
  ctx.fillStyle = '#f2f2f2'
  ctx.fillRect(pad, y, W - pad * 2, 14)
  ctx.fillStyle = ORANGE
  ctx.fillRect(pad, y, Math.max(6, (W - pad * 2) * done), 14)
  y += 46
  ctx.fillStyle = '#555555'
  ctx.font = '26px sans-serif'
  const left = Math.max(0, d.minParticipants - d.paidParticipants)
  ctx.fillText(left > 0 ? `已拼 ${d.paidParticipants} 人，还差 ${left} 人成团` : `已拼 ${d.paidParticipants} 人，已成团`, pad, y)
  y += 40
  ctx.fillText(`${formatTime(d.endAt)} 截团`, pad, y)

  // Footer: pickup point and leader on the left, the code on the right.
  const codeSize = 180
  const footTop = POSTER_HEIGHT - codeSize - pad
  ctx.fillStyle = '#eeeeee'
  ctx.fillRect(pad, footTop - 24, W - pad * 2, 2)
  if (code) ctx.drawImage(code, W - pad - codeSize, footTop, codeSize, codeSize)
  const textW = W - pad * 3 - codeSize
  let fy = footTop + 34
  ctx.fillStyle = '#222222'
  ctx.font = 'bold 28px sans-serif'
  ctx.fillText(`${d.leaderName}邀你一起拼`, pad, fy)
  fy += 42
  ctx.fillStyle = '#555555'
  ctx.font = '24px sans-serif'
  for (const line of wrapText((s) => ctx.measureText(s).width, `自提点：${d.pickupPointName}`, textW, 1)) fy = fillLine(line, fy)
  for (const line of wrapText((s) => ctx.measureText(s).width, d.pickupPointAddress, textW, 2)) fy = fillLine(line, fy)
  ctx.fillStyle = '#999999'
  ctx.font = '22px sans-serif'
  ctx.fillText('长按识别小程序码参团', pad, POSTER_HEIGHT - pad - 4)
  return true

  function fillLine(line: string, at: number): number {
    ctx!.fillText(line, pad, at)
    return at + 32
  }
}
