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
  /** How many prompts are mounted; the first mounted shows the prompt, so there is only ever one. */
  hosts: number
}

export const usePrivacyGate = create<GateState>()(() => ({ pending: false, referrer: null, refused: false, hosts: 0 }))

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
    // No prompt on this page (a privacy API outside the photo step): the privacy page hosts one.
    if (usePrivacyGate.getState().hosts === 0) void Taro.navigateTo({ url: PRIVACY_PAGE })
  })
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
  usePrivacyGate.setState({ pending: false, referrer: null, refused: false, hosts: 0 })
}
