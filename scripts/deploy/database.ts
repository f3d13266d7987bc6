import type { IndexSpec, SchemaFile, StorageRuleFile } from './plan'

/**
 * The part of @cloudbase/manager-node's DatabaseService the deploy uses (the real one is passed in when
 * deploying; tests pass a fake). Names and shapes as in manager-node 5.x types/database.
 */
export interface DatabaseApi {
  createCollectionIfNotExists(name: string): Promise<{ IsCreated: boolean }>
  describeCollection(name: string): Promise<{ Indexes?: Array<{ Name: string; Keys?: Array<{ Name?: string; Direction?: string }>; Unique?: boolean }> }>
  updateCollection(
    name: string,
    info: { CreateIndexes?: Array<{ IndexName: string; MgoKeySchema: { MgoIndexKeys: Array<{ Name: string; Direction: string }>; MgoIsUnique: boolean } }> },
  ): Promise<unknown>
}

export interface DatabaseChanges {
  createdCollections: string[]
  addedIndexes: string[]
  /** Indexes that exist under the schema's name with other keys: reported, never dropped or rebuilt. */
  differing: string[]
}

function keysOf(ix: IndexSpec): string {
  return ix.fields.map(([f, d]) => `${f}:${d}`).join(',')
}

/**
 * Make the environment's database have every collection and index of schema.json: create what is absent, add
 * missing indexes, never drop anything. CloudBase's UpdateTable rebuilds an index it is asked to create when one
 * of that name exists, so only indexes missing by name are sent.
 */
export async function syncDatabase(db: DatabaseApi, schema: SchemaFile): Promise<DatabaseChanges> {
  const changes: DatabaseChanges = { createdCollections: [], addedIndexes: [], differing: [] }
  for (const [name, spec] of Object.entries(schema.collections)) {
    const res = await db.createCollectionIfNotExists(name)
    if (res.IsCreated) changes.createdCollections.push(name)
    const wanted = spec.indexes ?? []
    if (wanted.length === 0) continue
    const existing = new Map(((await db.describeCollection(name)).Indexes ?? []).map((ix) => [ix.Name, ix]))
    const missing = wanted.filter((ix) => !existing.has(ix.name))
    for (const ix of wanted) {
      const have = existing.get(ix.name)
      if (!have) continue
      const haveKeys = (have.Keys ?? []).map((k) => `${k.Name}:${Number(k.Direction)}`).join(',')
      if (haveKeys !== keysOf(ix) || Boolean(have.Unique) !== Boolean(ix.unique)) changes.differing.push(`${name}.${ix.name} (is ${haveKeys}${have.Unique ? ' unique' : ''}, schema says ${keysOf(ix)}${ix.unique ? ' unique' : ''})`)
    }
    if (missing.length === 0) continue
    await db.updateCollection(name, {
      CreateIndexes: missing.map((ix) => ({
        IndexName: ix.name,
        MgoKeySchema: { MgoIndexKeys: ix.fields.map(([f, d]) => ({ Name: f, Direction: String(d) })), MgoIsUnique: Boolean(ix.unique) },
      })),
    })
    for (const ix of missing) changes.addedIndexes.push(`${name}.${ix.name}`)
  }
  return changes
}

/** The part of manager-node's StorageService the deploy uses. */
export interface StorageApi {
  getStorageAcl(options: { withRule: true }): Promise<{ acl: string; rule?: { read: boolean | string; write: boolean | string } }>
  setStorageAcl(acl: StorageRuleFile['acl'], rule?: StorageRuleFile['rule']): Promise<unknown>
}

/** Set the storage rule of database/storage.json when the environment's differs; returns what it was, or null. */
export async function syncStorageRule(storage: StorageApi, wanted: StorageRuleFile): Promise<string | null> {
  const now = await storage.getStorageAcl({ withRule: true })
  const describe = (acl: string, rule?: { read: boolean | string; write: boolean | string }) => (acl === 'CUSTOM' ? `CUSTOM ${JSON.stringify({ read: rule?.read, write: rule?.write })}` : acl)
  const before = describe(now.acl, now.rule)
  if (before === describe(wanted.acl, wanted.rule)) return null
  await storage.setStorageAcl(wanted.acl, wanted.acl === 'CUSTOM' ? wanted.rule : undefined)
  return before
}
