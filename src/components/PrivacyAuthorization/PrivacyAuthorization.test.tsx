import { act, fireEvent, render, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { __reset, calls } from '../../../test/ui/stubs/taro'
import PhotoPicker from '@/components/PhotoPicker'
import { useUploadsStore } from '@/stores/uploads'
import { PRIVACY_PAGE, installPrivacyGate, resetPrivacyGate } from './privacy-gate'

type Resolve = (o: { event: string; buttonId?: string }) => void
const T = Taro as unknown as Record<string, unknown>

/**
 * WeChat's side, stubbed: with __usePrivacyCheck__, a privacy API called before the user agreed is held, the
 * onNeedPrivacyAuthorization listener gets `resolve`, and the API goes on (agree, from the agree button) or fails
 * (disagree). Here chooseMedia behaves so.
 */
let listener: ((resolve: Resolve, info: { referrer: string }) => void) | null = null
let agreed = false
const answers: { event: string; buttonId?: string }[] = []
let picksReturned = 0

function Harness() {
  const { items } = useUploadsStore()
  return <PhotoPicker items={items} max={3} onAdd={() => void useUploadsStore.getState().add(3, 'products', 'u1')} onRemove={() => undefined} />
}

const realChooseMedia = T.chooseMedia
beforeEach(() => {
  __reset()
  resetPrivacyGate()
  useUploadsStore.getState().reset()
  process.env.TARO_ENV = 'weapp'
  listener = null
  agreed = false
  answers.length = 0
  picksReturned = 0
  T.onNeedPrivacyAuthorization = jest.fn((fn: typeof listener) => void (listener = fn))
  T.openPrivacyContract = jest.fn(async () => ({}))
  T.chooseMedia = async (o: { count: number }) => {
    if (!agreed) {
      const answer = await new Promise<{ event: string; buttonId?: string }>((resolve) => {
        listener!((a) => {
          answers.push(a)
          if (a.event !== 'exposureAuthorization') resolve(a)
        }, { referrer: 'chooseMedia' })
      })
      if (answer.event !== 'agree' || answer.buttonId !== 'privacy-agree') throw { errMsg: 'chooseMedia:fail privacy permission is not authorized' }
      agreed = true
    }
    picksReturned++
    return (realChooseMedia as (o: { count: number }) => Promise<unknown>)(o)
  }
  installPrivacyGate()
})

afterEach(() => {
  process.env.TARO_ENV = 'h5'
  T.chooseMedia = realChooseMedia
})

it('the privacy prompt is shown before the first photo pick; refusing keeps the app usable and says why', async () => {
  render(<Harness />)
  expect(T.onNeedPrivacyAuthorization).toHaveBeenCalledTimes(1)
  expect(screen.queryByText('用户隐私保护提示')).toBeNull()

  await act(async () => void fireEvent.click(screen.getByText('添加图片 0/3')))
  expect(screen.getByText('用户隐私保护提示')).toBeTruthy()
  expect(screen.getByText(/读取你选中的照片/)).toBeTruthy()
  expect(picksReturned).toBe(0)
  expect(answers).toEqual([{ event: 'exposureAuthorization' }])
  fireEvent.click(screen.getByText('阅读《邻里团用户隐私保护指引》'))
  expect(T.openPrivacyContract).toHaveBeenCalled()

  await act(async () => void fireEvent.click(screen.getByText('拒绝')))
  expect(screen.queryByText('用户隐私保护提示')).toBeNull()
  expect(screen.getByText(/你未同意《用户隐私保护指引》，暂时无法选择照片/)).toBeTruthy()
  expect(useUploadsStore.getState().items).toEqual([])
  expect(screen.getByText('添加图片 0/3')).toBeTruthy()

  // Trying again asks again; agreeing (the open-type button) lets the pick through.
  await act(async () => void fireEvent.click(screen.getByText('添加图片 0/3')))
  expect(screen.getByText('同意').getAttribute('data-open-type')).toBe('agreePrivacyAuthorization')
  await act(async () => void fireEvent.click(screen.getByText('同意')))
  expect(answers.at(-1)).toEqual({ event: 'agree', buttonId: 'privacy-agree' })
  expect(picksReturned).toBe(1)
  expect(useUploadsStore.getState().items).toHaveLength(2)
  expect(screen.queryByText(/你未同意/)).toBeNull()

  // Agreed once: the next pick is not held.
  await act(async () => void fireEvent.click(screen.getByText('添加图片 2/3')))
  expect(screen.queryByText('用户隐私保护提示')).toBeNull()
  expect(picksReturned).toBe(2)
})

it('only one prompt shows however many photo steps are mounted; none in H5', async () => {
  render(
    <>
      <Harness />
      <Harness />
    </>,
  )
  await act(async () => void fireEvent.click(screen.getAllByText('添加图片 0/3')[0]))
  expect(screen.getAllByText('用户隐私保护提示')).toHaveLength(1)
  await act(async () => void fireEvent.click(screen.getByText('拒绝')))

  resetPrivacyGate()
  process.env.TARO_ENV = 'h5'
  ;(T.onNeedPrivacyAuthorization as jest.Mock).mockClear()
  installPrivacyGate()
  expect(T.onNeedPrivacyAuthorization).not.toHaveBeenCalled()
})

it('a privacy API on a page without a prompt (copying a link) opens the privacy page, which asks', async () => {
  const realPages = T.getCurrentPages
  T.getCurrentPages = () => [{ route: 'pages/leader/earnings/index' }]
  try {
    render(<Harness />)
    const held: { event: string }[] = []
    await act(async () => listener!((a) => void held.push(a), { referrer: 'setClipboardData' }))
    expect(calls.navigateTo).toContain(PRIVACY_PAGE)
    // The photo step's prompt belongs to another page: it does not show over the page in front.
    expect(screen.queryByText('用户隐私保护提示')).toBeNull()
    expect(held).toEqual([])
  } finally {
    T.getCurrentPages = realPages
  }
})
