import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import TsconfigPathsPlugin from 'tsconfig-paths-webpack-plugin'
import devConfig from './dev'
import prodConfig from './prod'

// https://taro-docs.jd.com/docs/next/config#defineconfig-辅助函数
export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'lljt',
    date: '2026-11-25',
    // Our styles are drawn on a 750 px design; NutUI's on 375 px. Its files keep their own width so a 14px
    // NutUI font stays 28rpx (half size otherwise).
    designWidth(input) {
      const file = typeof input === 'object' && input ? (input as { file?: string }).file : undefined
      return file?.replace(/\\/g, '/').includes('@nutui') ? 375 : 750
    },
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2
    },
    sourceRoot: 'src',
    // One folder per target so an H5 build (served by the local host / e2e) and a weapp build can coexist.
    outputRoot: `dist/${process.env.TARO_ENV ?? 'weapp'}`,
    plugins: [],
    // Deployment settings baked in at build time (empty when unset, so the H5 build never reads `process`).
    defineConstants: Object.fromEntries(
      ['TARO_APP_CLOUD_ENV', 'TARO_APP_TEMPLATE_ID_GROUP_SUCCEEDED', 'TARO_APP_TEMPLATE_ID_GROUP_FAILED_REFUNDED', 'TARO_APP_TEMPLATE_ID_GOODS_ARRIVED', 'TARO_APP_TEMPLATE_ID_MARKETING', 'TARO_APP_TEMPLATE_ID_PICKUP_REMINDER'].map(
        (key) => [`process.env.${key}`, JSON.stringify(process.env[key] ?? '')],
      ),
    ),
    copy: {
      patterns: [
      ],
      options: {
      }
    },
    framework: 'react',
    compiler: 'webpack5',
    cache: {
      enable: false // Webpack 持久化缓存配置，建议开启。默认配置请参考：https://docs.taro.zone/docs/config-detail#cache
    },
    mini: {
      // Component styles have no order dependencies between each other; silence mini-css-extract's order warning.
      miniCssExtractPluginOption: { ignoreOrder: true },
      postcss: {
        pxtransform: {
          enable: true,
          config: {

          }
        },
        cssModules: {
          enable: false, // 默认为 false，如需使用 css modules 功能，则设为 true
          config: {
            namingPattern: 'module', // 转换模式，取值为 global/module
            generateScopedName: '[name]__[local]___[hash:base64:5]'
          }
        }
      },
      webpackChain(chain) {
        chain.resolve.plugin('tsconfig-paths').use(TsconfigPathsPlugin)
      }
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js'
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css'
      },
      postcss: {
        autoprefixer: {
          enable: true,
          config: {}
        },
        cssModules: {
          enable: false, // 默认为 false，如需使用 css modules 功能，则设为 true
          config: {
            namingPattern: 'module', // 转换模式，取值为 global/module
            generateScopedName: '[name]__[local]___[hash:base64:5]'
          }
        }
      },
      webpackChain(chain) {
        chain.resolve.plugin('tsconfig-paths').use(TsconfigPathsPlugin)
      }
    },
    rn: {
      appName: 'taroDemo',
      postcss: {
        cssModules: {
          enable: false, // 默认为 false，如需使用 css modules 功能，则设为 true
        }
      }
    }
  }


  if (process.env.NODE_ENV === 'development') {
    // 本地开发构建配置（不混淆压缩）
    return merge({}, baseConfig, devConfig)
  }
  // 生产构建配置（默认开启压缩混淆等）
  return merge({}, baseConfig, prodConfig)
})
