/**
 * A small @tarojs/taro for jsdom tests: navigation and toasts are recorded so tests can assert what the user
 * would see happen; page lifecycle hooks fire on mount.
 */
import { useEffect, useRef } from 'react'

type Params = Record<string, string>
const storage = new Map<string, unknown>()
let routerParams: Params = {}

export const calls = {
  navigateTo: [] as string[],
  redirectTo: [] as string[],
  switchTab: [] as string[],
  toasts: [] as string[],
  /** cloudPaths given to Taro.cloud.uploadFile */
  uploads: [] as string[],
  clipboard: [] as string[],
}

export function __reset(params: Params = {}) {
  routerParams = params
  storage.clear()
  calls.navigateTo.length = 0
  calls.redirectTo.length = 0
  calls.switchTab.length = 0
  calls.toasts.length = 0
  calls.uploads.length = 0
  calls.clipboard.length = 0
  modalAnswer = true
}
let modalAnswer = true
export function __answerModal(confirm: boolean) {
  modalAnswer = confirm
}

export const ENV_TYPE = { WEAPP: 'WEAPP', WEB: 'WEB', RN: 'RN', HARMONY: 'HARMONY' }
export const getEnv = () => ENV_TYPE.WEB
export const nextTick = (fn: () => void) => void setTimeout(fn, 0)
/** Layout queries answer an empty box and no canvas node: jsdom has no layout and draws nothing. */
export const createSelectorQuery = () => {
  const q = {
    select: () => q,
    selectAll: () => q,
    in: () => q,
    boundingClientRect: () => q,
    scrollOffset: () => q,
    fields: () => q,
    node: () => q,
    exec: (cb?: (res: unknown[]) => void) => cb?.([{ width: 0, height: 0, left: 0, top: 0 }]),
  }
  return q
}
export const pxTransform = (n: number) => `${n}px`

const Taro = {
  ENV_TYPE,
  getEnv,
  nextTick,
  createSelectorQuery,
  pxTransform,
  getSystemInfoSync: () => ({ windowWidth: 375, windowHeight: 667, pixelRatio: 2 }),
  getWindowInfo: () => ({ windowWidth: 375, windowHeight: 667, pixelRatio: 2 }),
  getStorageSync: (k: string) => (storage.has(k) ? storage.get(k) : ''),
  setStorageSync: (k: string, v: unknown) => void storage.set(k, v),
  navigateTo: async ({ url }: { url: string }) => void calls.navigateTo.push(url),
  redirectTo: async ({ url }: { url: string }) => void calls.redirectTo.push(url),
  switchTab: async ({ url }: { url: string }) => void calls.switchTab.push(url),
  reLaunch: async ({ url }: { url: string }) => void calls.switchTab.push(url),
  showToast: async ({ title }: { title: string }) => void calls.toasts.push(title),
  showModal: async () => ({ confirm: modalAnswer, cancel: !modalAnswer }),
  setClipboardData: async ({ data }: { data: string }) => void calls.clipboard.push(data),
  navigateBack: async () => undefined,
  getCurrentPages: () => [],
  stopPullDownRefresh: () => undefined,
  scanCode: async () => ({ result: '' }),
  requestPayment: async () => ({}),
  cloud: {
    init: () => undefined,
    callFunction: async () => ({ result: null }),
    uploadFile: async ({ cloudPath }: { cloudPath: string; filePath: string }) => {
      calls.uploads.push(cloudPath)
      return { fileID: `cloud://test-env.bucket/${cloudPath}` }
    },
  },
  chooseMedia: async ({ count }: { count: number }) => ({ tempFiles: Array.from({ length: Math.min(count, 2) }, (_, i) => ({ tempFilePath: `wxfile://tmp_${i}.jpg`, size: 1000 })) }),
}
export default Taro

function useOnMount(fn: () => unknown) {
  const ref = useRef(fn)
  ref.current = fn
  useEffect(() => {
    void ref.current()
  }, [])
}
export const useLoad = useOnMount
export const useDidShow = useOnMount
export const useLaunch = useOnMount
export const usePullDownRefresh = (_fn: () => unknown) => undefined
export const useReachBottom = (_fn: () => unknown) => undefined
export const useShareAppMessage = (_fn: () => unknown) => undefined
export const useRouter = () => ({ params: routerParams, path: '' })
