import type { Conditions, FieldCondition } from '@shared/domain/group-buy'

/**
 * The shared rule's conditions (src/shared/domain/group-buy.ts) as a database filter: the conditional write
 * enforces exactly what `meets` evaluates. test/node/join-rule.test.ts checks the two agree on stored documents.
 */
export function whereConditions<T>(_: DB.Database['command'], conditions: Conditions<T>): Record<string, unknown> {
  const where: Record<string, unknown> = {}
  for (const [field, c] of Object.entries(conditions) as Array<[string, FieldCondition]>) {
    where[field] = 'in' in c ? _.in([...c.in]) : 'gte' in c ? _.gte(c.gte) : 'lte' in c ? _.lte(c.lte) : _.gt(c.gt)
  }
  return where
}
