// The storage room's stored shapes (database/schema.json): uploads.

export interface UploadDoc {
  _id: string
  openid: string
  fileID: string
  /** upload: in the person's own folder; attached: the copy a rating or case shows. */
  kind: 'upload' | 'attached'
  createdAt: number
}
