/** Where a person's own photo uploads go, and what a stored path may reveal. Pure (client and server share it). */

/**
 * The folder segment of a person's uploads from the mini-program (`<folder>/<owner>/<name>`, see the client's
 * cloudPathFor): their openid in the storage path alphabet. Such a path names its uploader, so a photo shown to
 * anyone else is first copied to a path of its own (server/storage/uploads.ts attachPhotos).
 */
export function uploadOwnerSegment(openid: string): string {
  return openid.replace(/[^A-Za-z0-9_-]/g, '_')
}

/** The cloudPath inside a `cloud://<env>.<bucket>/<path>` file id, or null for anything else. */
export function cloudPathOf(fileId: string): string | null {
  const m = /^cloud:\/\/[^/]+\/(.+)$/.exec(fileId)
  return m ? m[1] : null
}
