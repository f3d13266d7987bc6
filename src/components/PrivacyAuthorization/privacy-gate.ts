import Taro from '@tarojs/taro'
import { create } from 'zustand'

type Resolve = (o: { event: 'exposureAuthorization' | 'agree' | 'disagree'; buttonId?: string }) => void

/** The agree button's id: WeChat checks that the button with this id was tapped before it accepts `agree`. */
export const AGREE_BUTTON_ID = 'privacy-agree'
/** The page that hosts the prompt when a privacy API is called where no prompt is mounted (e.g. 复制链接). */
export const PRIVACY_PAGE = '/pages/resident/privacy/index?authorize=1'

interface GateState {
  /** A privacy API is waiting for the user's answer (WeChat holds the call until resolve). */
  pending: boolean
  /** What triggered it (WeChat's eventInfo.referrer: the API or component name). */
  referrer: string | null
  /** The user refused this session: the photo step says why it cannot open. */
  refused: boolean
  /** The pages with a prompt mounted, one entry per prompt (the first one on the page in front shows it). */
  hosts: string[]
}

export const usePrivacyGate = create<GateState>()(() => ({ pending: false, referrer: null, refused: false, hosts: [] as string[] }))

let resolver: Resolve | null = null
let installed = false

/**
 * Answer WeChat's privacy authorisation (app.config `__usePrivacyCheck__: true`): since 2023-10-17 every API that
 * touches personal data (chooseMedia, setClipboardData, …) is held until the user agrees to the 用户隐私保护指引.
 * Installed once at launch in weapp (H5 has no such gate: the consent card plays the part). WeChat calls the
 * listener with `resolve`; the prompt (PrivacyAuthorization) shows, and the user's tap on its agree button
 * (open-type="agreePrivacyAuthorization") or on 拒绝 answers it.
 */
export function installPrivacyGate(): void {
  if (installed || process.env.TARO_ENV !== 'weapp' || typeof Taro.onNeedPrivacyAuthorization !== 'function') return
  installed = true
  Taro.onNeedPrivacyAuthorization((resolve, eventInfo) => {
    resolver = resolve as Resolve
    usePrivacyGate.setState({ pending: true, referrer: eventInfo?.referrer ?? null })
    // No prompt on the page in front (a privacy API outside the photo step): the privacy page hosts one.
    if (!usePrivacyGate.getState().hosts.includes(frontPage())) void Taro.navigateTo({ url: PRIVACY_PAGE })
  })
}

/** A page path without leading slash or query: 'pages/resident/home/index' ('' where there are no pages, in tests). */
export function pagePath(path: string | undefined): string {
  return (path ?? '').replace(/^\//, '').split('?')[0]
}

/** The page the user is looking at (pages earlier in the stack stay mounted but hidden). */
export function frontPage(): string {
  const pages = typeof Taro.getCurrentPages === 'function' ? Taro.getCurrentPages() : []
  return pagePath(pages[pages.length - 1]?.route)
}

/** The prompt became visible: WeChat asks to be told (exposureAuthorization) before agree/disagree. */
export function exposed(): void {
  resolver?.({ event: 'exposureAuthorization' })
}

/** The user tapped the agree button (its bindagreeprivacyauthorization event): the held API continues. */
export function agree(): void {
  resolver?.({ event: 'agree', buttonId: AGREE_BUTTON_ID })
  resolver = null
  usePrivacyGate.setState({ pending: false, refused: false })
}

/** The user refused: the held API fails (privacy permission is not authorized); the app stays usable. */
export function refuse(): void {
  resolver?.({ event: 'disagree' })
  resolver = null
  usePrivacyGate.setState({ pending: false, refused: true })
}

export function openContract(): void {
  if (typeof Taro.openPrivacyContract === 'function') void Taro.openPrivacyContract({})
  else void Taro.navigateTo({ url: '/pages/resident/privacy/index' })
}

/** Tests only: forget the listener and the answer. */
export function resetPrivacyGate(): void {
  installed = false
  resolver = null
  usePrivacyGate.setState({ pending: false, referrer: null, refused: false, hosts: [] })
}
