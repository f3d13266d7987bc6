/**
 * Facts that never change once written, kept in the function instance between calls (CloudBase keeps a warm
 * instance's module state). Only immutable facts belong here: a group buy's price, limit and times, or "this
 * participation document exists". Anything that changes (stock, status) is always decided by a conditional
 * write in the database, never by this cache.
 */
export class WarmCache<V> {
  private readonly map = new Map<string, V>()
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.map.get(key)
  }

  set(key: string, value: V): void {
    if (this.map.size >= this.max) this.map.clear()
    this.map.set(key, value)
  }

  delete(key: string): void {
    this.map.delete(key)
  }
}
