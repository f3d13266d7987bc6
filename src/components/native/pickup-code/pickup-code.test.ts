import path from 'path'
import simulate, { attrOf } from '../../../../test/native/simulate'

// The simulator registers components through require.cache, which jest ignores: load once per file.
const pickupCode = simulate.load(path.join(__dirname, 'index'), 'pickup-code')

// The page as it uses the component in the weapp build: props in, `bindcopy` out.
const onCopy = jest.fn()
const page = simulate.load({
  template: '<pickup-code id="pc" code="{{code}}" expires="{{expires}}" qr="{{qr}}" used="{{used}}" bindcopy="onCopy" />',
  usingComponents: { 'pickup-code': pickupCode },
  properties: { code: String, expires: Number, qr: String, used: Boolean },
  methods: { onCopy: (e: { detail: unknown }) => onCopy(e.detail) },
})

const QR = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='
const HOUR = 3600_000

const setClipboardData = jest.fn((opts: { data: string; success?: () => void }) => opts.success?.())
;(globalThis as unknown as { wx: unknown }).wx = { setClipboardData }

function show(props: { code: string; expires: number; qr?: string; used?: boolean }) {
  const root = simulate.render(page, { qr: QR, used: false, ...props })
  root.attach(document.createElement('parent-wrapper'))
  const inner = root.querySelector('#pc')
  if (!inner) throw new Error('pickup-code did not render')
  const text = (selector: string) => inner.querySelector(selector)?.dom?.textContent?.trim() ?? null
  const attr = (selector: string, name: string) => attrOf(inner.querySelector(selector), name)
  return { root, inner, text, attr }
}

beforeEach(() => {
  onCopy.mockClear()
  setClipboardData.mockClear()
})

it('shows the code grouped for reading aloud, the QR image and until when it is valid', () => {
  const expires = new Date(2099, 11, 3, 9, 5).getTime()
  const { text, attr } = show({ code: '12345678', expires })
  expect(text('.pickup__title')).toBe('提货码')
  expect(text('.pickup__code')).toBe('1234 5678')
  expect(attr('.pickup__qr', 'src')).toBe(QR)
  expect(text('.pickup__expiry')).toBe('有效期至 12-03 09:05')
})

it('shows 已过期 without a QR once the expiry has passed', () => {
  const { inner, text } = show({ code: '12345678', expires: Date.now() - HOUR })
  expect(text('.pickup__title')).toBe('已过期')
  expect(inner.querySelector('.pickup__qr')).toBeFalsy()
  expect(text('.pickup__expiry')).toMatch(/^有效期至 \d\d-\d\d \d\d:\d\d$/)
})

it('turns into 已过期 while the page stays open', () => {
  jest.useFakeTimers()
  try {
    const { inner, text } = show({ code: '12345678', expires: Date.now() + 60_000 })
    expect(text('.pickup__title')).toBe('提货码')
    jest.advanceTimersByTime(60_001)
    expect(text('.pickup__title')).toBe('已过期')
    expect(inner.querySelector('.pickup__qr')).toBeFalsy()
  } finally {
    jest.useRealTimers()
  }
})

it('a tap on the code copies it and tells the page', async () => {
  const { inner } = show({ code: '12345678', expires: Date.now() + HOUR })
  inner.querySelector('.pickup__code')?.dispatchEvent('tap')
  await simulate.sleep(0)
  expect(setClipboardData).toHaveBeenCalledTimes(1)
  expect(setClipboardData.mock.calls[0][0].data).toBe('12345678')
  expect(onCopy).toHaveBeenCalledWith({ code: '12345678' })
})

it('once picked up, the code is marked 已提货 and the QR is gone', () => {
  const { inner, text } = show({ code: '12345678', expires: Date.now() + HOUR, used: true })
  expect(text('.pickup__title')).toBe('已提货')
  expect(inner.querySelector('.pickup__qr')).toBeFalsy()
})
