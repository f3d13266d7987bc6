import { createHash } from 'crypto'
import { SHARE_PAGE } from '@shared/domain/share-code'
import { isDuplicateWrite, getCloud } from '@server/cloud'
import type { GroupBuyDoc, ShareCodeDoc } from '@server/group-buys/model'
import { findById } from '@server/fetch'
import { tempUrlOf, uploadBytes } from '@server/storage/files'

/** The group buy's scene: a hash of (group buy, leader), so the same pair always gets the same code. */
export function sceneFor(groupBuyId: string, leaderOpenid: string): string {
  return 'p' + createHash('sha256').update(`share\u0000${groupBuyId}\u0000${leaderOpenid}`).digest('base64url').slice(0, 24)
}

/**
 * `envVersion` of the codes (WXACODE_ENV_VERSION: release | trial | develop; default release). Outside release
 * the page is not checked against the published version (checkPath false), so codes work before launch.
 */
function envVersion(): 'release' | 'trial' | 'develop' {
  const v = process.env.WXACODE_ENV_VERSION
  return v === 'trial' || v === 'develop' ? v : 'release'
}

interface WxacodeApi {
  getUnlimited(req: { scene: string; page: string; checkPath: boolean; envVersion: string; width: number }): Promise<{ buffer?: Buffer | Uint8Array; errCode?: number; errMsg?: string }>
}

/**
 * The group buy's poster code, made once: the code is asked of WeChat, kept in storage under a path of its own
 * scene and recorded in shareCodes; every later call (and a racing twin, whose insert is a duplicate) answers
 * with that record. Returns the record and a fresh temp URL.
 */
export async function shareCodeFor(db: DB.Database, gb: Pick<GroupBuyDoc, '_id' | 'creatorOpenid'>, now: number): Promise<{ doc: ShareCodeDoc; tempFileURL: string }> {
  const scene = sceneFor(gb._id, gb.creatorOpenid)
  let doc = await findById<ShareCodeDoc>(db, 'shareCodes', scene)
  if (!doc) {
    const version = envVersion()
    const wxacode = (getCloud() as unknown as { openapi: { wxacode: WxacodeApi } }).openapi.wxacode
    const res = await wxacode.getUnlimited({ scene, page: SHARE_PAGE, checkPath: version === 'release', envVersion: version, width: 430 })
    if (!res.buffer || (res.errCode !== undefined && res.errCode !== 0)) throw new Error(`wxacode.getUnlimited failed: ${res.errCode} ${res.errMsg ?? ''}`)
    const fileID = await uploadBytes(`share-codes/${scene}.png`, Buffer.from(res.buffer))
    const fresh: ShareCodeDoc = { _id: scene, groupBuyId: gb._id, leaderOpenid: gb.creatorOpenid, fileID, createdAt: now }
    try {
      await db.collection('shareCodes').add({ data: fresh })
      doc = fresh
    } catch (err) {
      if (!isDuplicateWrite(err)) throw err
      doc = await findById<ShareCodeDoc>(db, 'shareCodes', scene)
      if (!doc) throw err
    }
  }
  return { doc, tempFileURL: await tempUrlOf(doc.fileID) }
}

/** Whom a join through `scene` is attributed to: the code's leader, only if the code is this group buy's. */
export async function referrerOf(db: DB.Database, scene: string | undefined, groupBuyId: string): Promise<string | null> {
  if (!scene) return null
  const doc = await findById<ShareCodeDoc>(db, 'shareCodes', scene)
  return doc && doc.groupBuyId === groupBuyId ? doc.leaderOpenid : null
}

/** The group buy a scene opens, or null for a scene we never issued. */
export async function groupBuyOfScene(db: DB.Database, scene: string): Promise<string | null> {
  return (await findById<ShareCodeDoc>(db, 'shareCodes', scene))?.groupBuyId ?? null
}
