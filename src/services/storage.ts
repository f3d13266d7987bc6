import Taro from '@tarojs/taro'
import { uploadOwnerSegment } from '@/shared/domain/uploads'
import type { Result } from '@/shared/errors'
import { NETWORK_ERROR, type ClientResult } from '@/shared/client-result'
import { getActingOpenid } from './identity'
import { userService } from './user'

/** A photo picked on the device, before upload: `path` is what an <Image> can show right away. */
export interface PickedImage {
  path: string
  size: number
}

const isWeapp = () => process.env.TARO_ENV === 'weapp'

/**
 * Let the user pick up to `count` photos. weapp: chooseMedia (album or camera, compressed). H5: the browser's
 * file picker (Taro's chooseImage). Cancelling is not a failure: it answers an empty list.
 */
export async function pickImages(count: number): Promise<PickedImage[]> {
  try {
    if (isWeapp()) {
      const res = await Taro.chooseMedia({ count, mediaType: ['image'], sizeType: ['compressed'], sourceType: ['album', 'camera'] })
      return res.tempFiles.map((f) => ({ path: f.tempFilePath, size: f.size }))
    }
    const res = await Taro.chooseImage({ count, sizeType: ['compressed'], sourceType: ['album'] })
    return (res.tempFiles ?? []).map((f) => ({ path: f.path, size: f.size }))
  } catch {
    return []
  }
}

function extensionOf(path: string, type?: string): string {
  const fromType = type?.split('/')[1]
  if (fromType && /^(png|jpeg|jpg|webp)$/.test(fromType)) return fromType === 'jpeg' ? 'jpg' : fromType
  const m = /\.(png|jpe?g|webp)$/i.exec(path)
  return m ? m[1].toLowerCase().replace('jpeg', 'jpg') : 'jpg'
}

/** Where an upload goes: the owner's folder (weapp; the local host adds the caller's own), a name that never collides. */
export function cloudPathFor(folder: string, owner: string | null, ext: string): string {
  const name = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
  const ownerPart = owner ? `${uploadOwnerSegment(owner)}/` : ''
  return `${folder}/${ownerPart}${name}.${ext}`
}

/**
 * Upload one picked photo to cloud storage and answer its cloud:// file id, once the server has noted it as the
 * uploader's (user.recordUpload: deleteMe deletes it then, attached or not). A photo that could not be noted
 * answers that failure: the form shows it as not uploaded, so nothing untracked gets attached.
 * weapp: Taro.cloud.uploadFile. H5 (local mode): POST /storage/upload?cloudPath=… with the raw bytes.
 */
export async function uploadImage(image: PickedImage, folder: string, owner: string): Promise<ClientResult<{ fileID: string }>> {
  const stored = await storeImage(image, folder, owner)
  if (!stored.ok) return stored
  const noted = await userService.recordUpload(stored.data.fileID)
  return noted.ok ? stored : noted
}

async function storeImage(image: PickedImage, folder: string, owner: string): Promise<ClientResult<{ fileID: string }>> {
  try {
    if (isWeapp()) {
      const cloudPath = cloudPathFor(folder, owner, extensionOf(image.path))
      const res = await Taro.cloud.uploadFile({ cloudPath, filePath: image.path })
      return { ok: true, data: { fileID: res.fileID } }
    }
    const blob = await (await fetch(image.path)).blob()
    const openid = getActingOpenid()
    const cloudPath = cloudPathFor(folder, null, extensionOf(image.path, blob.type))
    const res = await fetch(`/storage/upload?cloudPath=${encodeURIComponent(cloudPath)}`, {
      method: 'POST',
      headers: { 'Content-Type': blob.type || 'application/octet-stream', 'X-WX-OPENID': openid },
      body: blob,
    })
    const json = (await res.json().catch(() => null)) as Result<{ fileID: string }> | null
    if (json && json.ok === true && typeof json.data?.fileID === 'string') return json
    if (json && json.ok === false && typeof json.error?.code === 'string') return json
    return { ok: false, error: { code: NETWORK_ERROR, message: `HTTP ${res.status}: unexpected reply` } }
  } catch (e) {
    return { ok: false, error: { code: NETWORK_ERROR, message: e instanceof Error ? e.message : String(e) } }
  }
}

/** weapp: open a downloaded file (the pick list CSV) so it can be forwarded in a chat. H5: the browser downloads it. */
export async function openExport(url: string, fileName: string): Promise<ClientResult<null>> {
  try {
    if (isWeapp()) {
      const dl = await Taro.downloadFile({ url })
      const shareFile = (Taro as unknown as { shareFileMessage?: (o: { filePath: string; fileName: string }) => Promise<unknown> }).shareFileMessage
      if (shareFile) await shareFile({ filePath: dl.tempFilePath, fileName })
      else await Taro.openDocument({ filePath: dl.tempFilePath, showMenu: true })
      return { ok: true, data: null }
    }
    const a = document.createElement('a')
    a.href = url
    a.download = fileName
    a.rel = 'noopener'
    document.body.appendChild(a)
    a.click()
    a.remove()
    return { ok: true, data: null }
  } catch (e) {
    return { ok: false, error: { code: NETWORK_ERROR, message: e instanceof Error ? e.message : String(e) } }
  }
}
