import { create } from 'zustand'
import type { ClientError } from '@/shared/client-result'
import { pickImages, uploadImage } from '@/services/storage'

/** One photo of a form: already stored (fileId set) or on its way (uploading) or refused (error). */
export interface UploadItem {
  key: string
  /** What to show: a local preview while uploading, the temp URL once stored. */
  url: string
  fileId: string | null
  uploading: boolean
  error: ClientError | null
}

export interface UploadsState {
  items: UploadItem[]
  /** Start a form's photo list (e.g. a product's stored images when editing). */
  start: (stored: { fileId: string; url: string }[]) => void
  /** Pick photos (up to `max` in all) and upload each one; returns when every upload has answered. */
  add: (max: number, folder: string, owner: string) => Promise<void>
  remove: (key: string) => void
  /** The file ids to save, once nothing is uploading or failed. */
  fileIds: () => string[]
  busy: () => boolean
  reset: () => void
}

let seq = 0

export const useUploadsStore = create<UploadsState>()((set, get) => {
  const patch = (key: string, p: Partial<UploadItem>) => set({ items: get().items.map((i) => (i.key === key ? { ...i, ...p } : i)) })
  return {
    items: [],
    start: (stored) => set({ items: stored.map((s) => ({ key: `u${++seq}`, url: s.url, fileId: s.fileId, uploading: false, error: null })) }),
    add: async (max, folder, owner) => {
      const room = max - get().items.length
      if (room <= 0) return
      const picked = (await pickImages(room)).slice(0, room)
      const added = picked.map((p) => ({ key: `u${++seq}`, url: p.path, fileId: null, uploading: true, error: null, picked: p }))
      set({ items: [...get().items, ...added.map(({ picked: _p, ...item }) => item)] })
      await Promise.all(
        added.map(async (a) => {
          const res = await uploadImage(a.picked, folder, owner)
          if (res.ok) patch(a.key, { fileId: res.data.fileID, uploading: false })
          else patch(a.key, { uploading: false, error: res.error })
        }),
      )
    },
    remove: (key) => set({ items: get().items.filter((i) => i.key !== key) }),
    fileIds: () => get().items.filter((i) => i.fileId).map((i) => i.fileId as string),
    busy: () => get().items.some((i) => i.uploading),
    reset: () => set({ items: [] }),
  }
})
