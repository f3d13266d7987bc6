// The errors the local database throws, with CloudBase's codes (DATABASE_DUPLICATE_WRITE, ...).
export class DbError extends Error {
  constructor(public readonly code: string, message: string) {
    super(message)
  }
}

export function collectionNotExist(name: string): DbError {
  return new DbError('DATABASE_COLLECTION_NOT_EXIST', `Db or Table not exist: ${name}. [DATABASE_COLLECTION_NOT_EXIST]`)
}

export function duplicateId(collection: string, id: unknown): DbError {
  return new DbError('DATABASE_DUPLICATE_WRITE',
    `E11000 duplicate key error collection: ${collection} index: _id_ dup key: { _id: ${JSON.stringify(id)} } [DATABASE_DUPLICATE_WRITE]`)
}
