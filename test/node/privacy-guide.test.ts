/**
 * Issue #20: every API on WeChat's privacy list that the mini-program calls must be declared in the 用户隐私保护指引
 * (docs/privacy-guide.md says what to fill in), or it fails on phones. This reads the mini-program's sources (src/,
 * not tests) for `Taro.x(` / `wx.x(` calls and `openType` values — the sources rather than the weapp build, because
 * Taro's compiled runtime names every API in its promisify tables and a weapp build takes minutes on a shared
 * machine. Location APIs must also be listed in app.config's requiredPrivateInfos.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'

const ROOT = path.resolve(__dirname, '../..')

/** WeChat's privacy APIs (小程序隐私接口), by the data type the guide declares them under. */
const PRIVACY_APIS: Record<string, string> = {
  getUserProfile: '用户信息', getUserInfo: '用户信息', chooseAvatar: '用户信息', 'open-type:getUserInfo': '用户信息', 'open-type:chooseAvatar': '用户信息',
  getLocation: '位置信息', getFuzzyLocation: '位置信息', onLocationChange: '位置信息', startLocationUpdate: '位置信息', startLocationUpdateBackground: '位置信息', chooseLocation: '位置信息', choosePoi: '位置信息',
  chooseImage: '选中的照片或视频信息', chooseMedia: '选中的照片或视频信息', chooseVideo: '选中的照片或视频信息',
  saveImageToPhotosAlbum: '相册（仅写入）权限', saveVideoToPhotosAlbum: '相册（仅写入）权限',
  'open-type:getPhoneNumber': '手机号', 'open-type:getRealtimePhoneNumber': '手机号',
  createCameraContext: '摄像头', createVKSession: '摄像头',
  startRecord: '麦克风', getRecorderManager: '麦克风', joinVoIPChat: '麦克风',
  openBluetoothAdapter: '蓝牙', createBLEPeripheralServer: '蓝牙',
  setClipboardData: '剪切板', getClipboardData: '剪切板',
  addPhoneContact: '通讯录', chooseContact: '通讯录',
  chooseAddress: '收货地址', chooseInvoice: '发票信息', chooseInvoiceTitle: '发票信息',
  getWeRunData: '微信运动步数', chooseMessageFile: '选中的文件', chooseLicensePlate: '车牌',
  addPhoneCalendar: '日历', addPhoneRepeatCalendar: '日历',
}
const LOCATION_APIS = Object.keys(PRIVACY_APIS).filter((k) => PRIVACY_APIS[k] === '位置信息')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name)
    if (statSync(p).isDirectory()) return sourceFiles(p)
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : []
  })
}

/** Every privacy API the sources use, with the files using it. */
function usedPrivacyApis(files: string[]): Map<string, string[]> {
  const used = new Map<string, string[]>()
  const note = (api: string, file: string) => {
    if (!(api in PRIVACY_APIS)) return
    used.set(api, [...(used.get(api) ?? []), path.relative(ROOT, file)])
  }
  for (const f of files) {
    // Comments name APIs without calling them.
    const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1')
    for (const m of code.matchAll(/\b(?:Taro|wx)\s*\.\s*([A-Za-z]+)\b/g)) note(m[1], f)
    for (const m of code.matchAll(/openType=['"{]+([A-Za-z|]+)/g)) for (const t of m[1].split('|')) note(`open-type:${t}`, f)
  }
  return used
}

/** The APIs docs/privacy-guide.md declares: backticked names in the second column of its table. */
function declaredApis(): Set<string> {
  const guide = readFileSync(path.join(ROOT, 'docs/privacy-guide.md'), 'utf8')
  const out = new Set<string>()
  for (const line of guide.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    if (cells.length < 4) continue
    for (const m of cells[2].matchAll(/`([^`]+)`/g)) out.add(m[1])
  }
  return out
}

describe('用户隐私保护指引 covers what the mini-program uses', () => {
  const used = usedPrivacyApis(sourceFiles(path.join(ROOT, 'src')))

  it('finds the privacy APIs the photo step and the copy buttons use (the scan works)', () => {
    expect([...used.keys()]).toEqual(expect.arrayContaining(['chooseMedia', 'setClipboardData']))
    expect(used.get('chooseMedia')).toContain('src/services/storage.ts')
  })

  it('every privacy API used is declared in docs/privacy-guide.md', () => {
    const declared = declaredApis()
    const missing = [...used.keys()].filter((api) => !declared.has(api)).map((api) => `${api} (${PRIVACY_APIS[api]}) in ${used.get(api)!.join(', ')}`)
    expect(missing).toEqual([])
  })

  it('a location API is used only with requiredPrivateInfos listing it in app.config', () => {
    const config = readFileSync(path.join(ROOT, 'src/app.config.ts'), 'utf8')
    const required = /requiredPrivateInfos\s*:\s*\[([^\]]*)\]/.exec(config)?.[1] ?? ''
    const undeclared = LOCATION_APIS.filter((api) => used.has(api) && !required.includes(`'${api}'`))
    expect(undeclared).toEqual([])
    expect(config).toMatch(/__usePrivacyCheck__:\s*true/)
  })

  it('would catch an undeclared one', () => {
    const probe = path.join(mkdtempSync(path.join(tmpdir(), 'privacy-probe-')), 'probe.tsx')
    writeFileSync(probe, "Taro.getLocation({ type: 'gcj02' })\nconst b = <Button openType='getPhoneNumber' />\n")
    try {
      const found = usedPrivacyApis([probe])
      expect([...found.keys()].sort()).toEqual(['getLocation', 'open-type:getPhoneNumber'])
      expect([...found.keys()].filter((api) => !declaredApis().has(api))).toHaveLength(2)
    } finally {
      rmSync(path.dirname(probe), { recursive: true, force: true })
    }
  })
})
