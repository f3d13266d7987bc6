import type { BuildOptions } from 'esbuild'
import path from 'path'

/** The Node version the bundles are compiled for; cloudbaserc.json's runtime may not be older (the plan checks). */
export const CLOUD_BUILD_TARGET = 'node16'

/**
 * How one cloud function is bundled (npm run build:cloud writes it; the deploy plan builds the same in memory to
 * see which files and packages each function really takes). wx-server-sdk stays external: CloudBase installs it
 * from the function's package.json.
 */
export function cloudBundleOptions(root: string, name: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [path.join(root, 'cloudfunctions', name, 'src/index.ts')],
    outfile: path.join(root, 'cloudfunctions', name, 'index.js'),
    bundle: true,
    platform: 'node',
    target: CLOUD_BUILD_TARGET,
    format: 'cjs',
    // wechatpay-axios-plugin too: CloudBase installs it from package.json (its utils require axios, which a bundle
    // would carry along with axios's DEBUG/NO_PROXY settings).
    external: ['wx-server-sdk', 'wechatpay-axios-plugin'],
    legalComments: 'none',
    logLevel: 'warning',
  }
}
