import Taro from '@tarojs/taro'
import type { NoticeKey } from '@/shared/contracts/user'
import { userService } from './user'

/** WeChat template ids, configured per mini-program at build time (TARO_APP_TEMPLATE_ID_<KEY>, config/index.ts). */
function templateIds(): Record<NoticeKey, string | undefined> {
  return {
    GROUP_SUCCEEDED: process.env.TARO_APP_TEMPLATE_ID_GROUP_SUCCEEDED,
    GROUP_FAILED_REFUNDED: process.env.TARO_APP_TEMPLATE_ID_GROUP_FAILED_REFUNDED,
    GOODS_ARRIVED: process.env.TARO_APP_TEMPLATE_ID_GOODS_ARRIVED,
    PICKUP_REMINDER: process.env.TARO_APP_TEMPLATE_ID_PICKUP_REMINDER,
    MARKETING: process.env.TARO_APP_TEMPLATE_ID_MARKETING,
  }
}

/**
 * Ask to be told about 成团 / refund / arrival, and record each consent the user gave (one consent = one message,
 * spent by the backend's outbox). WeChat only shows the prompt from a tap, so call this first thing in a tap
 * handler, before any await. In the local H5 demo there is no prompt: the demo resident accepts.
 * Never blocks the tap's real work and never fails it.
 */
export async function askForNotices(keys: NoticeKey[]): Promise<NoticeKey[]> {
  let accepted: NoticeKey[] = []
  try {
    if (process.env.TARO_ENV === 'weapp') {
      const TEMPLATE_IDS = templateIds()
      const wanted = keys.filter((k) => TEMPLATE_IDS[k])
      if (wanted.length === 0) return []
      const res = (await Taro.requestSubscribeMessage({ tmplIds: wanted.map((k) => TEMPLATE_IDS[k] as string), entityIds: [] })) as unknown as Record<string, string>
      accepted = wanted.filter((k) => res[TEMPLATE_IDS[k] as string] === 'accept')
    } else {
      accepted = keys
    }
    if (accepted.length > 0) await userService.recordConsent(accepted)
  } catch {
    // A declined or failed prompt only means no WeChat message; the order page still shows everything.
    return []
  }
  return accepted
}
