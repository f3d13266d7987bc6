/**
 * #24 in a real browser: the leader makes a poster of their group buy — drawn on a canvas with the group buy's
 * mini-program code (locally a QR code of the same scene) — and the PNG downloads.
 */
import { readFileSync } from 'fs'
import { openApp, type App } from './support/app'

jest.setTimeout(240_000)
let app: App
afterAll(async () => app?.close())

it('a leader generates a poster and the PNG downloads', async () => {
  app = await openApp('selling')
  const { page, go, see, tap, actAs, visible, shot } = app
  await go('pages/resident/home/index')
  const call = (fn: string, openid: string, body: object) =>
    page.evaluate(async ([f, o, b]) => (await fetch(`/fn/${f}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-WX-OPENID': o as string }, body: JSON.stringify(b) })).json(), [fn, openid, body] as const)
  const mine = (await call('groupBuy', 'demo-leader', { action: 'listMine' })) as { data: { items: Array<{ groupBuyId: string; title: string; status: string }> } }
  const gb = mine.data.items.find((g) => g.status === 'OPEN')
  expect(gb).toBeTruthy()

  await actAs('团长')
  await go(`pages/leader/group/index?id=${gb!.groupBuyId}`)
  await see(gb!.title)
  await tap('生成海报')
  // Drawn: a good share of the poster's pixels are not white (photo, price, the code).
  const inked = () => {
    const c = Array.from(document.querySelectorAll<HTMLCanvasElement>('.poster__canvas canvas, canvas.poster__canvas')).find((x) => x.width === 600)
    if (!c) return 0
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    let ink = 0
    for (let i = 0; i < px.length; i += 4) if (px[i] < 200 || px[i + 1] < 200 || px[i + 2] < 200) ink++
    return ink / (c.width * c.height)
  }
  await page.waitForFunction(`(${inked.toString()})() > 0.05`)
  await visible('.poster__save:not([disabled])').first().waitFor()
  await shot('60-leader-poster')
  const [download] = await Promise.all([page.waitForEvent('download'), tap('下载海报')])
  expect(download.suggestedFilename()).toMatch(/^邻里团海报-.*\.png$/)
  const bytes = readFileSync((await download.path())!)
  expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG')
  expect(bytes.readUInt32BE(16)).toBe(600) // IHDR width: the poster's own size
  expect(bytes.readUInt32BE(20)).toBe(960)
})
