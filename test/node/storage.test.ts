/**
 * Issue #9, cloud storage: the local cloud answers wx-server-sdk's storage calls from files on disk, and its host
 * takes users' image uploads. Non-images, oversized files and path tricks are refused with nothing stored.
 */
import { existsSync, mkdtempSync, rmSync } from 'fs'
import os from 'os'
import path from 'path'
import { missingFiles, tempUrls, uploadBytes } from '@server/storage/files'
import { deleteExpiredExports, EXPORT_KEEP_MS, saveExport } from '@server/storage/exports'
import { userFolder } from '../../local-cloud/storage'
import { database, DEMO, testCloudForThisFile } from './support/cloud'
import { JPEG_HEAD, PNG_1PX, pngOfSize, storedFiles, WEBP_1PX } from './support/images'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()
const resident = DEMO.residents[0]

type UploadReply = { ok: boolean; data?: { fileID: string }; error?: { code: string; message: string } }

async function upload(cloudPath: string, bytes: Buffer, openid: string | null = resident): Promise<{ status: number; body: UploadReply }> {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' }
  if (openid) headers['X-WX-OPENID'] = openid
  const res = await fetch(`${cloud.url}/storage/upload?cloudPath=${encodeURIComponent(cloudPath)}`, { method: 'POST', headers, body: new Uint8Array(bytes) })
  return { status: res.status, body: (await res.json()) as UploadReply }
}

async function fetchBytes(url: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(url)
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) }
}

async function urlOf(fileId: string): Promise<string> {
  return (await tempUrls([fileId])).get(fileId) ?? ''
}

describe('POST /storage/upload (a user uploads a photo)', () => {
  it('stores a PNG under the caller’s own folder and its temp URL serves the same bytes', async () => {
    const { status, body } = await upload('photos/peach.png', PNG_1PX)
    expect(status).toBe(200)
    expect(body.data?.fileID).toBe(`cloud://local-env.local-bucket/${userFolder(resident)}/photos/peach.png`)
    const url = await urlOf(body.data!.fileID)
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/storage\/file\//)
    const got = await fetchBytes(url)
    expect(got).toEqual({ status: 200, type: 'image/png', bytes: PNG_1PX })
  })

  it('recognises JPEG and WebP by their bytes, whatever the name says', async () => {
    const jpeg = await upload('photos/camera.dat', JPEG_HEAD)
    const webp = await upload('photos/sticker', WEBP_1PX)
    expect([jpeg.status, webp.status]).toEqual([200, 200])
    expect((await fetchBytes(await urlOf(jpeg.body.data!.fileID))).type).toBe('image/jpeg')
    expect((await fetchBytes(await urlOf(webp.body.data!.fileID))).type).toBe('image/webp')
  })

  it('keeps two users’ files with the same cloudPath apart', async () => {
    const a = await upload('same/name.png', PNG_1PX, DEMO.residents[1])
    const b = await upload('same/name.png', WEBP_1PX, DEMO.residents[2])
    expect(a.body.data?.fileID).not.toBe(b.body.data?.fileID)
    expect((await fetchBytes(await urlOf(a.body.data!.fileID))).bytes).toEqual(PNG_1PX)
    expect((await fetchBytes(await urlOf(b.body.data!.fileID))).bytes).toEqual(WEBP_1PX)
  })

  it('accepts exactly 5 MB', async () => {
    const { status } = await upload('big/exact.png', pngOfSize(5 * 1024 * 1024))
    expect(status).toBe(200)
  })

  describe('refusals store nothing', () => {
    let before: string[]
    beforeEach(() => {
      before = storedFiles(cloud.storage.dir)
    })
    afterEach(() => {
      expect(storedFiles(cloud.storage.dir)).toEqual(before)
    })

    it('a text file, even one named .png', async () => {
      const { status, body } = await upload('photos/notes.png', Buffer.from('just some text, not a picture\n'))
      expect(status).toBe(400)
      expect(body.error?.code).toBe('STORAGE.INVALID_FILE')
      expect(body.error?.message).toMatch(/PNG, JPEG or WebP/)
    })

    it('a CSV (only function code may store exports)', async () => {
      const { status, body } = await upload('exports/list.csv', Buffer.from('a,b\n1,2\n'))
      expect([status, body.error?.code]).toEqual([400, 'STORAGE.INVALID_FILE'])
    })

    it('an empty body', async () => {
      const { status, body } = await upload('photos/empty.png', Buffer.alloc(0))
      expect([status, body.error?.code]).toEqual([400, 'STORAGE.INVALID_FILE'])
    })

    it('5 MB + 1 byte', async () => {
      const { status, body } = await upload('big/over.png', pngOfSize(5 * 1024 * 1024 + 1))
      expect(status).toBe(413)
      expect(body.error?.code).toBe('STORAGE.INVALID_FILE')
    })

    it.each([
      ['../x.png'],
      ['a/../../x.png'],
      ['/abs.png'],
      ['/etc/passwd'],
      ['a//b.png'],
      ['a/./b.png'],
      ['.hidden.png'],
      ['a b.png'],
      ['a\\b.png'],
      ['x\u0000.png'],
      ['照片.png'],
      ['a:b.png'],
      ['%2e%2e/x.png'],
      [''],
      ['a'.repeat(300) + '.png'],
    ])('the path %j', async (cloudPath) => {
      const { status, body } = await upload(cloudPath, PNG_1PX)
      expect(status).toBe(400)
      expect(body.error?.code).toBe('STORAGE.INVALID_FILE')
    })

    it('an upload with no caller', async () => {
      const { status, body } = await upload('photos/anon.png', PNG_1PX, null)
      expect([status, body.error?.code]).toEqual([401, 'AUTH.UNAUTHENTICATED'])
    })
  })
})

describe('temp URLs', () => {
  let fileId: string
  beforeAll(async () => {
    fileId = (await upload('photos/signed.png', PNG_1PX)).body.data!.fileID
  })

  it('a tampered signature, another file’s signature or an expired URL → 403', async () => {
    const url = new URL(await urlOf(fileId))
    const tampered = new URL(url)
    tampered.searchParams.set('sign', url.searchParams.get('sign')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))
    expect((await fetch(tampered)).status).toBe(403)

    const other = (await upload('photos/other.png', PNG_1PX)).body.data!.fileID
    const otherUrl = new URL(await urlOf(other))
    otherUrl.pathname = url.pathname
    expect((await fetch(otherUrl)).status).toBe(403)

    const longer = new URL(url)
    longer.searchParams.set('t', String(Number(url.searchParams.get('t')) + 3600))
    expect((await fetch(longer)).status).toBe(403)

    const cloudPath = url.pathname.replace('/storage/file/', '')
    const expired = cloud.storage.tempUrl(cloudPath, 60, Date.now() - 120_000)
    expect((await fetch(expired)).status).toBe(403)
    expect((await fetch(url)).status).toBe(200)
  })
})

describe('wx-server-sdk from function code (server/storage/files.ts)', () => {
  it('uploadBytes + tempUrls: the URL returns the same bytes', async () => {
    const fileId = await uploadBytes('products/sdk/peach.png', PNG_1PX)
    expect(fileId).toBe('cloud://local-env.local-bucket/products/sdk/peach.png')
    expect(await fetchBytes(await urlOf(fileId))).toEqual({ status: 200, type: 'image/png', bytes: PNG_1PX })
  })

  it('stores a CSV export under exports/<random>/ and serves it as text/csv to the caller that wrote it, never through a view', async () => {
    const csv = Buffer.from('商品,数量\n水蜜桃,12\n', 'utf8')
    const now = Date.now()
    const saved = await saveExport(database(), 'pick-lists', 'p1.csv', csv, now)
    expect(saved.fileID).toMatch(/^cloud:\/\/local-env\.local-bucket\/exports\/pick-lists\/[0-9a-f]{32}\/p1\.csv$/)
    expect(await fetchBytes(saved.tempFileURL)).toEqual({ status: 200, type: 'text/csv; charset=utf-8', bytes: csv })
    // A view's signing (tempUrls: photos) answers nothing for it, as for a missing file.
    expect(await urlOf(saved.fileID)).toBe('')
    expect(await missingFiles([saved.fileID])).toEqual([saved.fileID])
    // Kept while its temp URL lives, deleted after (settle's safety nets): nothing of it stays in storage.
    expect((await deleteExpiredExports(database(), now + EXPORT_KEEP_MS - 1)).deleted).toBe(0)
    expect((await fetchBytes(saved.tempFileURL)).status).toBe(200)
    expect((await deleteExpiredExports(database(), now + EXPORT_KEEP_MS)).deleted).toBeGreaterThanOrEqual(1)
    expect((await fetchBytes(saved.tempFileURL)).status).not.toBe(200)
  })

  it('refuses a non-image outside exports/, binary posing as CSV, and path tricks; nothing stored', async () => {
    const before = storedFiles(cloud.storage.dir)
    await expect(uploadBytes('products/sdk/readme.txt', Buffer.from('hello'))).rejects.toThrow(/PNG, JPEG or WebP/)
    await expect(uploadBytes('products/sdk/list.csv', Buffer.from('a,b\n'))).rejects.toThrow(/PNG, JPEG or WebP/)
    await expect(uploadBytes('exports/bad.csv', Buffer.from([0x00, 0xff, 0xfe, 0x00]))).rejects.toThrow(/PNG, JPEG or WebP/)
    await expect(uploadBytes('../escape.png', PNG_1PX)).rejects.toThrow(/\.\./)
    await expect(uploadBytes('/abs.png', PNG_1PX)).rejects.toThrow(/relative/)
    await expect(uploadBytes('products/sdk/over.png', pngOfSize(5 * 1024 * 1024 + 1))).rejects.toThrow(/larger than 5 MB/)
    expect(storedFiles(cloud.storage.dir)).toEqual(before)
  })

  it('missingFiles names files that do not exist, foreign ids and path tricks', async () => {
    const present = await uploadBytes('products/sdk/present.png', PNG_1PX)
    const absent = 'cloud://local-env.local-bucket/products/sdk/absent.png'
    const foreign = 'cloud://other-env.other-bucket/products/sdk/present.png'
    const tricky = 'cloud://local-env.local-bucket/products/../../etc/passwd'
    expect(await missingFiles([present, absent, foreign, tricky])).toEqual([absent, foreign, tricky])
  })

  it('downloadFile returns the bytes; deleteFile removes the file and its temp URL stops working', async () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const sdk = require('wx-server-sdk') as {
      downloadFile(o: { fileID: string }): Promise<{ fileContent: Buffer }>
      deleteFile(o: { fileList: string[] }): Promise<{ fileList: { fileID: string; status: number }[] }>
    }
    const fileId = await uploadBytes('products/sdk/gone.png', WEBP_1PX)
    const url = await urlOf(fileId)
    expect(Buffer.from((await sdk.downloadFile({ fileID: fileId })).fileContent)).toEqual(WEBP_1PX)
    const del = await sdk.deleteFile({ fileList: [fileId, 'cloud://local-env.local-bucket/never/was.png'] })
    expect(del.fileList.map((f) => f.status === 0)).toEqual([true, false])
    expect((await fetch(url)).status).toBe(404)
    expect(await urlOf(fileId)).toBe('')
  })
})

describe('storage.batchCopyFile (node-sdk copyFile) at the seam', () => {
  it('copies under the upload rules: a CSV cannot be copied out of exports/, a path trick is refused', async () => {
    const csv = await uploadBytes('exports/copy-src.csv', Buffer.from('a,b\n'))
    const png = await uploadBytes('products/sdk/copy-src.png', PNG_1PX)
    const reply = cloud.storage.handle('storage.batchCopyFile', {
      file_list: [
        { src_path: png, dst_path: 'products/copied/copy-src.png' },
        { src_path: csv, dst_path: 'products/copied/copy-src.csv' },
        { src_path: png, dst_path: '../copy-src.png' },
      ],
    }) as { data: { copy_list: { code: string }[] } }
    expect(reply.data.copy_list.map((c) => c.code)).toEqual(['SUCCESS', 'INVALID_PARAM', 'INVALID_PARAM'])
    expect((await fetchBytes(await urlOf('cloud://local-env.local-bucket/products/copied/copy-src.png'))).bytes).toEqual(PNG_1PX)
    expect(await urlOf('cloud://local-env.local-bucket/products/copied/copy-src.csv')).toBe('')
  })
})

describe('the in-memory cloud’s storage folder', () => {
  it('is removed when the cloud closes', async () => {
    const { startLocalCloud } = await import('../../local-cloud/host')
    const other = await startLocalCloud({ port: 0 })
    const dir = other.storage.dir
    expect(existsSync(dir)).toBe(true)
    await other.close()
    expect(existsSync(dir)).toBe(false)
  })

  it('with a data dir, files live in <dataDir>/storage and outlast a restart (old temp URLs do not)', async () => {
    const { startLocalCloud } = await import('../../local-cloud/host')
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'linlituan-datadir-'))
    try {
      const first = await startLocalCloud({ port: 0, dataDir })
      const fileId = await uploadBytes('products/kept.png', PNG_1PX)
      const oldUrl = await urlOf(fileId)
      await first.close()
      expect(storedFiles(path.join(dataDir, 'storage'))).toEqual(['products/kept.png'])

      const second = await startLocalCloud({ port: 0, dataDir })
      expect((await fetchBytes(await urlOf(fileId))).bytes).toEqual(PNG_1PX)
      expect((await fetch(oldUrl.replace(/127\.0\.0\.1:\d+/, new URL(second.url).host))).status).toBe(403)
      await second.close()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
    // The last install wins: re-install this file's cloud's storage for any test that follows.
    cloud.db.install()
    cloud.storage.install()
  })
})
