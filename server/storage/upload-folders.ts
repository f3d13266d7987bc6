import { createHash } from 'crypto'

/**
 * The local host's upload route (`POST /storage/upload`) puts a person's files here: a hash of the openid, so a
 * file id shows nobody's openid. One rule for both sides: local-cloud/storage stores there, and
 * server/storage/uploads.ts recognises a person's own uploads by it. (No imports beyond crypto: the local
 * cloud's storage loads this before any function code.)
 */
export function hostUploadFolder(openid: string): string {
  return 'uploads/' + createHash('sha256').update(`storage\u0000${openid}`).digest('hex').slice(0, 24)
}
