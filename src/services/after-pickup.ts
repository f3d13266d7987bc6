import Taro from '@tarojs/taro'
import type { afterSalesContract, AfterSalesOutputs } from '@/shared/contracts/after-sales'
import type { feedbackContract, FeedbackOutputs } from '@/shared/contracts/feedback'
import type { memberContract, MemberOutputs } from '@/shared/contracts/member'
import type { pickupContract, PickupOutputs } from '@/shared/contracts/pickup'
import { NETWORK_ERROR, type ClientResult } from './cloud'
import { contractCaller } from './contract-caller'
import { getActingOpenid } from './identity'

const feedback = contractCaller<typeof feedbackContract, FeedbackOutputs>('feedback')
const afterSales = contractCaller<typeof afterSalesContract, AfterSalesOutputs>('afterSales')
const member = contractCaller<typeof memberContract, MemberOutputs>('member')
const pickup = contractCaller<typeof pickupContract, PickupOutputs>('pickup')

export const feedbackService = {
  rate: (input: Parameters<typeof feedback<'rate'>>[1]) => feedback('rate', input),
  edit: (input: Parameters<typeof feedback<'edit'>>[1]) => feedback('edit', input),
  mine: (orderId: string) => feedback('mine', { orderId }),
  listForGroupBuy: (groupBuyId: string, cursor?: string) => feedback('listForGroupBuy', cursor ? { groupBuyId, cursor } : { groupBuyId }),
}

export const afterSalesService = {
  request: (input: Parameters<typeof afterSales<'request'>>[1]) => afterSales('request', input),
  decide: (caseId: string, approve: boolean, note?: string) => afterSales('decide', note ? { caseId, approve, note } : { caseId, approve }),
  listMine: (orderId?: string) => afterSales('listMine', orderId ? { orderId } : {}),
  listForMe: (status?: 'PENDING' | 'APPROVED' | 'REJECTED', cursor?: string) => afterSales('listForMe', { ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) }),
}

export const memberService = {
  me: () => member('me', {}),
  history: (cursor?: string) => member('history', cursor ? { cursor } : {}),
}

export const remindService = {
  remind: (groupBuyId: string) => pickup('remind', { groupBuyId }),
}

/**
 * Pick photos and upload them: weapp through Taro.cloud.uploadFile (the storage rule keeps each user to their own
 * files), H5 through the local host's POST /storage/upload. Resolves to the fileIDs the actions take.
 */
export async function choosePhotos(max: number): Promise<ClientResult<{ ids: string[]; previews: string[] }>> {
  if (max <= 0) return { ok: true, data: { ids: [], previews: [] } }
  try {
    const picked = await Taro.chooseMedia({ count: max, mediaType: ['image'], sizeType: ['compressed'] })
    const ids: string[] = []
    const previews: string[] = []
    for (const [i, f] of picked.tempFiles.entries()) {
      const cloudPath = `feedback/${Date.now().toString(36)}-${i}.jpg`
      if (process.env.TARO_ENV === 'weapp') {
        const up = await Taro.cloud.uploadFile({ cloudPath, filePath: f.tempFilePath })
        ids.push(up.fileID)
        previews.push(f.tempFilePath)
      } else {
        const blob = await (await fetch(f.tempFilePath)).blob()
        const res = await fetch(`/storage/upload?cloudPath=${encodeURIComponent(cloudPath)}`, { method: 'POST', headers: { 'X-WX-OPENID': getActingOpenid() }, body: blob })
        const json = (await res.json()) as { ok: boolean; data?: { fileID: string }; error?: { code: 'STORAGE.INVALID_FILE'; message: string } }
        if (!json.ok || !json.data) return { ok: false, error: json.error ?? { code: NETWORK_ERROR, message: `HTTP ${res.status}` } }
        ids.push(json.data.fileID)
        previews.push(f.tempFilePath)
      }
    }
    return { ok: true, data: { ids, previews } }
  } catch {
    // Closing the picker is not an error worth a toast.
    return { ok: true, data: { ids: [], previews: [] } }
  }
}
