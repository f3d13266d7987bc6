import { mkdtempSync, rmSync } from 'fs'
import os from 'os'
import path from 'path'

export interface LocalCloud {
  url: string
  close: () => Promise<void> | void
}

interface HostModule {
  startLocalCloud: (opts: { port: number; dataDir: string; adminOpenids: string[]; seed: boolean }) => Promise<LocalCloud>
}

/** A fresh local cloud (own SQLite dir, demo seed) on a free port; its data is removed on close. */
export async function startFreshCloud(): Promise<LocalCloud> {
  const hostPath = path.resolve(__dirname, '../../../local-cloud/host')
  let host: HostModule
  try {
    // Resolved at run time: the host is another team's module and may not exist yet in this checkout.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    host = require(hostPath) as HostModule
  } catch (e) {
    throw new Error(`local-cloud/host.ts could not be loaded (${(e as Error).message}); the e2e suite needs startLocalCloud()`)
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'llt-cloud-'))
  let cloud: LocalCloud
  try {
    cloud = await host.startLocalCloud({ port: 0, dataDir, adminOpenids: ['demo-admin'], seed: true })
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  return {
    url: cloud.url,
    close: async () => {
      await cloud.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
