// One jest run, three kinds of test (see README "Tests"):
//  - node: pure domain rules, the local cloud's conformance suite, cloud-function handlers against real SQLite
//  - ui:   React pages/components/stores (jsdom) and native WeChat components (miniprogram-simulate)
//  - e2e:  whole flows in headless Chromium against the H5 build and a fresh local cloud
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2020' } }]

// The path aliases of tsconfig.json: @/ the app, @shared/ platform-free rules and contracts, @server/ the functions' kit.
const aliases = { '^@shared/(.*)$': '<rootDir>/src/shared/$1', '^@server/(.*)$': '<rootDir>/server/$1', '^@/(.*)$': '<rootDir>/src/$1' }

module.exports = {
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      transform: { '^.+\\.(t|j)sx?$': swc },
      moduleNameMapper: aliases,
      testMatch: [
        '<rootDir>/src/shared/**/*.test.ts',
        '<rootDir>/local-cloud/**/*.test.ts',
        '<rootDir>/cloudfunctions/**/*.test.ts',
        '<rootDir>/server/**/*.test.ts',
        '<rootDir>/test/node/**/*.test.ts',
        '<rootDir>/test/conformance/**/*.test.ts',
      ],
    },
    {
      // Taro's runtime is replaced by plain-DOM stubs (test/ui/stubs): tests assert what a user sees and taps.
      displayName: 'ui',
      testEnvironment: 'jsdom',
      transform: { '^.+\\.(t|j)sx?$': swc },
      setupFiles: ['<rootDir>/test/ui/setup.ts'],
      moduleNameMapper: {
        '^@tarojs/taro$': '<rootDir>/test/ui/stubs/taro.ts',
        '^@tarojs/components$': '<rootDir>/test/ui/stubs/taro-components.tsx',
        '\\.(css|scss)$': '<rootDir>/test/ui/stubs/style.js',
        // The app imports NutUI per component from its ES build; jest runs its CommonJS twin (same code).
        '^@nutui/nutui-react-taro/dist/es/packages/[a-z]+/style/css$': '<rootDir>/test/ui/stubs/style.js',
        '^@nutui/nutui-react-taro/dist/es/(.*)$': '<rootDir>/node_modules/@nutui/nutui-react-taro/dist/cjs/$1',
        ...aliases,
      },
      testMatch: [
        '<rootDir>/src/components/**/*.test.{ts,tsx}',
        '<rootDir>/src/stores/**/*.test.{ts,tsx}',
        '<rootDir>/src/services/**/*.test.{ts,tsx}',
        '<rootDir>/src/pages/**/*.test.{ts,tsx}',
        '<rootDir>/test/ui/**/*.test.{ts,tsx}',
      ],
    },
    {
      // Builds the H5 bundle once if missing, then each test file starts a fresh local cloud + static host.
      displayName: 'e2e',
      testEnvironment: 'node',
      transform: { '^.+\\.(t|j)sx?$': swc },
      moduleNameMapper: aliases,
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
    },
  ],
}
