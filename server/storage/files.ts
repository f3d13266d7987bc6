import { cloudPathOf } from '@shared/domain/uploads'
import { getCloud } from '@server/cloud'

/**
 * Cloud storage through wx-server-sdk's own calls (uploadFile, getTempFileURL, deleteFile). On CloudBase they
 * reach COS; under local-cloud the same SDK calls are answered at the SDK's request seam from files on disk
 * (local-cloud/storage), so nothing here branches.
 */
interface StorageApi {
  uploadFile(req: { cloudPath: string; fileContent: Buffer }): Promise<{ fileID: string }>
  getTempFileURL(req: { fileList: { fileID: string; maxAge?: number }[] }): Promise<{ fileList: { fileID: string; tempFileURL: string; code?: string; status?: number }[] }>
  deleteFile(req: { fileList: string[] }): Promise<{ fileList: { fileID: string; code?: string; status?: number }[] }>
  downloadFile(req: { fileID: string }): Promise<{ fileContent: Buffer }>
}

function storage(): StorageApi {
  return getCloud() as unknown as StorageApi
}

/** How long a temp URL handed to a client stays valid; views say when, so clients refresh before expiry. */
export const TEMP_URL_MAX_AGE_S = 2 * 3600

/** getTempFileURL serves at most 50 files per call. */
const URL_BATCH = 50

export async function uploadBytes(cloudPath: string, bytes: Buffer): Promise<string> {
  const res = await storage().uploadFile({ cloudPath, fileContent: bytes })
  return res.fileID
}

/**
 * A copy of a stored file at `cloudPath` (its new file id). wx-server-sdk has no copyFile, so the bytes travel
 * through the function: fine for photos (≤ 5 MB), not meant for anything large.
 */
export async function copyFileTo(fileId: string, cloudPath: string): Promise<string> {
  const { fileContent } = await storage().downloadFile({ fileID: fileId })
  return uploadBytes(cloudPath, fileContent)
}

export function isCloudFileId(value: string): boolean {
  return value.startsWith('cloud://')
}

/** Where exports live: files with people's data (server/storage/exports.ts). */
const EXPORTS_FOLDER = 'exports/'

/** Is this an export (never shown by a view: only the action that wrote it hands out its URL)? */
export function isExportFile(fileId: string): boolean {
  return cloudPathOf(fileId)?.startsWith(EXPORTS_FOLDER) ?? false
}

/**
 * Temp URLs for cloud:// ids (other values, e.g. an https image a leader pasted, pass through unchanged).
 * A missing file maps to '' so a view can show its placeholder instead of a broken image; so does an export
 * (isExportFile): a view shows photos, and an export id someone put among them is signed for nobody.
 */
export async function tempUrls(fileIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const id of fileIds) if (isCloudFileId(id) && isExportFile(id)) out.set(id, '')
  const signed = await signUrls(fileIds.filter((id) => !isExportFile(id)))
  for (const [id, url] of signed) out.set(id, url)
  return out
}

/** Temp URLs for any cloud:// ids, exports included (exports.ts hands an export's to the action that wrote it). */
export async function signUrls(fileIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const cloudIds = [...new Set(fileIds.filter(isCloudFileId))]
  for (const id of fileIds) if (!isCloudFileId(id)) out.set(id, id)
  for (let i = 0; i < cloudIds.length; i += URL_BATCH) {
    const res = await storage().getTempFileURL({ fileList: cloudIds.slice(i, i + URL_BATCH).map((fileID) => ({ fileID, maxAge: TEMP_URL_MAX_AGE_S })) })
    for (const f of res.fileList) out.set(f.fileID, isFound(f) ? f.tempFileURL : '')
  }
  return out
}

/** The ids among `fileIds` that are not files in storage (an empty list means every one exists). */
export async function missingFiles(fileIds: readonly string[]): Promise<string[]> {
  const urls = await tempUrls(fileIds)
  return fileIds.filter((id) => !isCloudFileId(id) || !urls.get(id))
}

export async function tempUrlOf(fileId: string): Promise<string> {
  return (await tempUrls([fileId])).get(fileId) ?? ''
}

function isFound(f: { code?: string; status?: number; tempFileURL?: string }): boolean {
  if (f.status !== undefined) return f.status === 0 && !!f.tempFileURL
  return (f.code === undefined || f.code === 'SUCCESS') && !!f.tempFileURL
}

/** When temp URLs fetched now stop working (the client refreshes a view before that). */
export function tempUrlsExpireAt(now: number): number {
  return now + TEMP_URL_MAX_AGE_S * 1000
}

/** Remove files (a missing one is not an error: deleting is idempotent). */
export async function deleteFiles(fileIds: readonly string[]): Promise<void> {
  const ids = [...new Set(fileIds.filter(isCloudFileId))]
  for (let i = 0; i < ids.length; i += URL_BATCH) await storage().deleteFile({ fileList: ids.slice(i, i + URL_BATCH) })
}
