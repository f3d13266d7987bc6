import { docsOf } from '@server/paging'
/** Read one document by id, or null. (`doc().get()` throws on a missing document in wx-server-sdk.) */
export async function findById<T>(db: DB.Database, collection: string, id: string): Promise<T | null> {
  const res = await docsOf<T>(db.collection(collection).where({ _id: id }).limit(1))
  return res[0] ?? null
}

export function updatedCount(res: unknown): number {
  return Number((res as { stats?: { updated?: number } }).stats?.updated ?? 0)
}
