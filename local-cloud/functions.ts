import { existsSync, readdirSync, readFileSync } from 'fs'
import path from 'path'

export const FUNCTIONS_ROOT = path.resolve(__dirname, '../cloudfunctions')

export interface TimerTrigger {
  name: string
  type: 'timer'
  /** CloudBase's 7-field cron: second minute hour day month weekday year (UTC+8). */
  config: string
}

export interface LoadedFunction {
  name: string
  main: (event: unknown, context: unknown) => Promise<unknown>
  triggers: TimerTrigger[]
}

/**
 * Load every deployable function folder (one with a config.json). By default the TypeScript source is loaded
 * (the host runs under tsx or jest); CLOUD_USE_BUNDLES=1 loads the bundled index.js that would be uploaded.
 */
export function loadFunctions(root = FUNCTIONS_ROOT, useBundles = process.env.CLOUD_USE_BUNDLES === '1'): Map<string, LoadedFunction> {
  const fns = new Map<string, LoadedFunction>()
  for (const name of readdirSync(root)) {
    const dir = path.join(root, name)
    const configPath = path.join(dir, 'config.json')
    if (!existsSync(configPath)) continue
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { triggers?: TimerTrigger[] }
    const entry = useBundles ? path.join(dir, 'index.js') : path.join(dir, 'src', 'index.ts')
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(entry) as { main: LoadedFunction['main'] }
    fns.set(name, { name, main: mod.main, triggers: (config.triggers ?? []).filter((t) => t.type === 'timer') })
  }
  return fns
}
