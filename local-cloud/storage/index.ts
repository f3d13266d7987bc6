// The local CloudBase storage, plugged in at the wx-server-sdk seam as the database is.
//
// wx-server-sdk's uploadFile / getTempFileURL / deleteFile / downloadFile are @cloudbase/node-sdk's storage
// module, which sends every request through `utils/tcbapirequester`'s `request({ params: { action } })`.
// install() wraps that one function: `storage.*` actions are answered here from files on disk, every other
// action goes on to the real requester. uploadFile then PUTs the bytes to the URL getUploadMetadata returned,
// which is this process's host (`PUT /storage/cos/<token>`), and temp URLs point at the host too
// (`GET /storage/file/<path>?t=&sign=`), so the SDK's own code path runs unchanged end to end.
import { createHmac, randomBytes, timingSafeEqual } from 'crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'fs'
import os from 'os'
import path from 'path'
import { hostUploadFolder } from '../../server/storage/upload-folders'
import { checkCloudPath, checkContent, tooLargeMessage, type Uploader, type Verdict } from './rules'

export const LOCAL_ENV = 'local-env'
export const LOCAL_BUCKET = 'local-bucket'
export const FILE_ID_PREFIX = `cloud://${LOCAL_ENV}.${LOCAL_BUCKET}/`
/** Where the host's public upload route puts a user's files: one folder per user, so nobody overwrites another. */
export const USER_UPLOADS_PREFIX = 'uploads/'
/** CloudBase's default temp-URL lifetime when a caller gives no maxAge. */
const DEFAULT_MAX_AGE_S = 86_400
/** How long an upload URL from getUploadMetadata may wait for its PUT. */
const UPLOAD_TOKEN_TTL_MS = 10 * 60_000

export interface LocalStorageOptions {
  /** Files live here; omit for a temporary folder that close() removes. */
  dir?: string
}

export interface StorageStats {
  /** every request at the SDK seam by action name, e.g. 'storage.batchGetDownloadUrl' */
  byAction: Record<string, number>
  /** files written (SDK PUTs and the host's upload route) */
  stored: number
  /** uploads refused (bad path, type or size) */
  refused: number
}

type Reply = Record<string, unknown>
interface RequesterModule { request: (args: { params?: Record<string, unknown> }) => Promise<unknown> }
interface NodeSdkUtils { processReturn(result: unknown): unknown }

// The requester as node-sdk shipped it, kept across installs so a second test cloud does not wrap a wrapper.
let originalRequest: RequesterModule['request'] | null = null
let requestSeq = 0

export class LocalStorage {
  readonly dir: string
  readonly stats: StorageStats = { byAction: {}, stored: 0, refused: 0 }
  private readonly temporary: boolean
  /** Per process: temp URLs from an earlier run stop working (clients refresh views, as they must anyway). */
  private readonly secret = randomBytes(32)
  private readonly uploads = new Map<string, { cloudPath: string; expiresAt: number }>()
  private baseUrl = ''
  private closed = false

  private constructor(opts: LocalStorageOptions) {
    this.temporary = !opts.dir
    this.dir = path.resolve(opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'linlituan-storage-')))
    mkdirSync(this.dir, { recursive: true })
  }

  static open(opts: LocalStorageOptions = {}): LocalStorage {
    return new LocalStorage(opts)
  }

  /** The host's origin, once it listens: upload and temp URLs point there. */
  setBaseUrl(url: string): void {
    this.baseUrl = url.replace(/\/$/, '')
  }

  /** Route every wx-server-sdk storage call in this process to this storage (the last install wins). */
  install(): void {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const requester = require('@cloudbase/node-sdk/dist/utils/tcbapirequester') as RequesterModule
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { processReturn } = require('@cloudbase/node-sdk/dist/utils/utils') as NodeSdkUtils
    originalRequest ??= requester.request
    const passOn = originalRequest
    requester.request = async (args) => {
      const action = args?.params?.action
      if (typeof action !== 'string' || !action.startsWith('storage.')) return passOn(args)
      // A network hop's worth of asynchrony, as the real requester has.
      await new Promise((r) => setImmediate(r))
      const reply = this.handle(action, args.params ?? {})
      // Same as the HTTP requester: a reply with `code` becomes a thrown TcbError.
      return reply.code ? processReturn(reply) : reply
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.uploads.clear()
    if (this.temporary) rmSync(this.dir, { recursive: true, force: true })
  }

  fileIdOf(cloudPath: string): string {
    return FILE_ID_PREFIX + cloudPath
  }

  /** The checked cloudPath a fileID of ours names, or null (another env, or a path we would never store). */
  pathOfFileId(fileId: unknown): string | null {
    if (typeof fileId !== 'string' || !fileId.startsWith(FILE_ID_PREFIX)) return null
    const checked = checkCloudPath(fileId.slice(FILE_ID_PREFIX.length))
    return checked.ok ? checked.value : null
  }

  /** The bytes stored at a checked cloudPath, or null. */
  read(cloudPath: string): Buffer | null {
    const file = this.fileOf(cloudPath)
    return file && existsSync(file) && statSync(file).isFile() ? readFileSync(file) : null
  }

  /** Every rule (path, type, size) checked before anything touches the disk; the write itself is atomic. */
  store(cloudPath: string, bytes: Buffer, uploader: Uploader): Verdict<string> {
    const verdict = this.tryStore(cloudPath, bytes, uploader)
    if (verdict.ok) this.stats.stored++
    else this.stats.refused++
    return verdict
  }

  /** The host's public upload: images only, under the caller's own folder. */
  storeForUser(openid: string, cloudPath: unknown, bytes: Buffer): Verdict<string> {
    const checked = checkCloudPath(cloudPath)
    if (!checked.ok) {
      this.stats.refused++
      return checked
    }
    return this.store(`${userFolder(openid)}/${checked.value}`, bytes, 'user')
  }

  /** A signed, expiring URL on the host that serves the file's bytes. */
  tempUrl(cloudPath: string, maxAgeS: number, now = Date.now()): string {
    const t = Math.floor(now / 1000) + Math.max(1, Math.floor(maxAgeS))
    return `${this.baseUrl}/storage/file/${cloudPath}?t=${t}&sign=${this.sign(cloudPath, t)}`
  }

  /** Is this a temp URL we signed, for this path, not yet expired? */
  checkTempUrl(cloudPath: string, t: string | null, sign: string | null, now = Date.now()): boolean {
    if (!t || !sign || !/^\d{1,12}$/.test(t)) return false
    if (Number(t) * 1000 < now) return false
    const expected = Buffer.from(this.sign(cloudPath, Number(t)))
    const given = Buffer.from(sign)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  /** The SDK's upload PUT: the token names the path getUploadMetadata checked; each token is used once. */
  acceptUploadPut(token: string, bytes: Buffer | 'too-large'): Verdict<string> {
    const pending = this.uploads.get(token)
    this.uploads.delete(token)
    if (!pending || pending.expiresAt < Date.now()) return { ok: false, message: 'upload URL unknown, used or expired' }
    if (bytes === 'too-large') {
      this.stats.refused++
      return { ok: false, message: tooLargeMessage() }
    }
    return this.store(pending.cloudPath, bytes, 'function')
  }

  /** @internal Answer one storage action the way CloudBase's HTTP API would (reply or {code, message}). */
  handle(action: string, params: Record<string, unknown>): Reply {
    this.stats.byAction[action] = (this.stats.byAction[action] ?? 0) + 1
    const requestId = `local-storage-${++requestSeq}`
    if (this.closed) return { code: 'SYS_ERR', message: 'local storage is closed', requestId }
    switch (action) {
      case 'storage.getUploadMetadata':
        return { ...this.uploadMetadata(params), requestId }
      case 'storage.batchGetDownloadUrl':
        return { data: { download_list: asList(params.file_list).map((f) => this.downloadUrl(f)) }, requestId }
      case 'storage.batchDeleteFile':
        return { data: { delete_list: asList(params.fileid_list).map((id) => this.remove(id)) }, requestId }
      case 'storage.batchCopyFile':
        return { data: { copy_list: asList(params.file_list).map((f) => this.copy(f)) }, requestId }
      case 'storage.getFileAuthority':
        // Function code acts with the environment's own rights: everything is readable and writable.
        return { data: asList(params.fileList).map((f) => ({ path: (f as { path?: unknown })?.path, checkResult: true })), requestId }
      default:
        return { code: 'INVALID_ACTION', message: `local storage does not serve ${action}`, requestId }
    }
  }

  private uploadMetadata(params: Record<string, unknown>): Reply {
    const checked = checkCloudPath(params.path)
    if (!checked.ok) {
      this.stats.refused++
      return { code: 'INVALID_PARAM', message: `[local storage] ${checked.message}` }
    }
    if (!this.baseUrl) return { code: 'SYS_ERR', message: '[local storage] the host is not listening yet' }
    const token = randomBytes(18).toString('base64url')
    this.uploads.set(token, { cloudPath: checked.value, expiresAt: Date.now() + UPLOAD_TOKEN_TTL_MS })
    const fileId = this.fileIdOf(checked.value)
    return { data: { url: `${this.baseUrl}/storage/cos/${token}`, token, authorization: token, fileId, cosFileId: fileId } }
  }

  private downloadUrl(entry: unknown): Reply {
    const e = (typeof entry === 'string' ? { fileid: entry } : entry ?? {}) as { fileid?: unknown; max_age?: unknown }
    const cloudPath = this.pathOfFileId(e.fileid)
    if (!cloudPath || !this.read(cloudPath)) return { fileID: e.fileid, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST' }
    const maxAge = typeof e.max_age === 'number' && e.max_age > 0 ? e.max_age : DEFAULT_MAX_AGE_S
    return { fileID: e.fileid, tempFileURL: this.tempUrl(cloudPath, maxAge), code: 'SUCCESS', maxAge }
  }

  private remove(fileId: unknown): Reply {
    const cloudPath = this.pathOfFileId(fileId)
    const file = cloudPath ? this.fileOf(cloudPath) : null
    if (!file || !existsSync(file) || !statSync(file).isFile()) return { fileID: fileId, code: 'STORAGE_FILE_NONEXIST' }
    unlinkSync(file)
    return { fileID: fileId, code: 'SUCCESS' }
  }

  private copy(entry: unknown): Reply {
    const e = (entry ?? {}) as { src_path?: unknown; dst_path?: unknown; overwrite?: unknown; remove_original?: unknown }
    const src = this.pathOf(e.src_path)
    const dst = this.pathOf(e.dst_path)
    const bytes = src ? this.read(src) : null
    if (!src || !bytes) return { fileID: e.src_path, code: 'STORAGE_FILE_NONEXIST', message: 'source file does not exist' }
    if (!dst) return { fileID: e.dst_path, code: 'INVALID_PARAM', message: 'dstPath is not a path we store' }
    if (e.overwrite === false && this.read(dst)) return { fileID: this.fileIdOf(dst), code: 'STORAGE_FILE_EXIST', message: 'destination exists' }
    const stored = this.store(dst, bytes, 'function')
    if (!stored.ok) return { fileID: this.fileIdOf(dst), code: 'INVALID_PARAM', message: stored.message }
    if (e.remove_original === true) this.remove(this.fileIdOf(src))
    return { fileID: stored.value, code: 'SUCCESS' }
  }

  /** copyFile takes plain paths or fileIDs. */
  private pathOf(value: unknown): string | null {
    if (typeof value === 'string' && value.startsWith('cloud://')) return this.pathOfFileId(value)
    const checked = checkCloudPath(value)
    return checked.ok ? checked.value : null
  }

  private tryStore(cloudPath: string, bytes: Buffer, uploader: Uploader): Verdict<string> {
    if (this.closed) return { ok: false, message: 'local storage is closed' }
    const checked = checkCloudPath(cloudPath)
    if (!checked.ok) return checked
    const content = checkContent(checked.value, bytes, uploader)
    if (!content.ok) return content
    const file = this.fileOf(checked.value)
    if (!file) return { ok: false, message: 'cloudPath leaves the storage folder' }
    // Written beside the target and renamed over it: a reader sees the old file or the new one, never half.
    // `.tmp` can never be a stored path (segments may not start with a dot).
    const tmpDir = path.join(this.dir, '.tmp')
    const tmp = path.join(tmpDir, randomBytes(8).toString('hex'))
    try {
      mkdirSync(tmpDir, { recursive: true })
      mkdirSync(path.dirname(file), { recursive: true })
      writeFileSync(tmp, bytes)
      renameSync(tmp, file)
    } catch (err) {
      rmSync(tmp, { force: true })
      return { ok: false, message: `cannot store at ${checked.value}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }
    }
    return { ok: true, value: this.fileIdOf(checked.value) }
  }

  /** The file a checked cloudPath maps to, confined to the storage folder (a second fence behind checkCloudPath). */
  private fileOf(cloudPath: string): string | null {
    const file = path.resolve(this.dir, cloudPath)
    return file.startsWith(this.dir + path.sep) ? file : null
  }

  private sign(cloudPath: string, t: number): string {
    return createHmac('sha256', this.secret).update(`${cloudPath}\n${t}`).digest('base64url')
  }
}

/** A user's upload folder: a hash of the openid, so a fileID shows nobody's openid (the product's own rule, shared). */
export function userFolder(openid: string): string {
  return hostUploadFolder(openid)
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}
