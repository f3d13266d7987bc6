// miniprogram-simulate for jest, typed locally on purpose: its own typings import miniprogram-api-typings,
// whose global `DB`/`wx` declarations clash with wx-server-sdk's in our single tsconfig program
// (tsc then fails in cloudfunctions/ and server/). Only what our native-component tests use is typed here.
//
// Remember (docs toolchain note): `load()` registers through require.cache, which jest ignores —
// load a component once per test file, at module level.

export interface SimJSON {
  tagName: string
  attrs: { name: string; value: unknown }[]
  children: SimJSON[]
}

export interface SimComponent {
  readonly dom: HTMLElement | undefined
  readonly data: Record<string, unknown>
  querySelector(selector: string): SimComponent | undefined
  querySelectorAll(selector: string): SimComponent[]
  dispatchEvent(eventName: string, options?: unknown): void
  setData(data: Record<string, unknown>, callback?: () => void): void
  triggerLifeTime(lifetime: 'created' | 'attached' | 'ready' | 'moved' | 'detached'): void
  toJSON(): SimJSON
}

export interface SimRoot extends SimComponent {
  attach(parent: Node): void
  detach(): void
}

export interface SimDefinition {
  template: string
  usingComponents?: Record<string, string>
  properties?: Record<string, unknown>
  data?: Record<string, unknown>
  methods?: Record<string, (...args: never[]) => unknown>
}

export interface Simulate {
  /** Loads a component folder's `index` (path without extension) or an inline definition; returns its id. */
  load(componentPath: string, tagName?: string, options?: { compiler?: 'official' | 'simulate'; rootPath?: string }): string
  load(definition: SimDefinition): string
  render(id: string, properties?: Record<string, unknown>): SimRoot
  sleep(ms?: number): Promise<void>
}

// eslint-disable-next-line @typescript-eslint/no-var-requires
const simulate: Simulate = require('miniprogram-simulate')

/** An attribute of a built-in component (e.g. `src` of an <image>): kept in the JSON tree, not on the DOM node. */
export function attrOf(node: SimComponent | undefined, name: string): unknown {
  return node?.toJSON().attrs.find((a) => a.name === name)?.value ?? null
}

export default simulate
