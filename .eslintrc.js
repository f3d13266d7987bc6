// Shared lint config for the whole repo (client src/, cloud functions, local cloud, server, scripts).
// Type-aware rules are left to `tsc --noEmit` (strict); eslint here catches hooks misuse and sloppy code.
// Import patterns (gitignore syntax, matched against the import string) that break a layer when imported.
const LAYER = {
  services: { group: ['@/services/*', '**/services/*'], message: 'Pages and components reach the backend through a store (src/stores); result types live in @/shared/client-result.' },
  pages: { group: ['@/pages/*', '**/pages/*'], message: 'Components are used by pages, never the other way round.' },
  backend: { group: ['@server/*', '**/server/*', 'wx-server-sdk', '**/cloudfunctions/*', '**/local-cloud/*'], message: 'The client bundle never includes backend code.' },
  clientApp: { group: ['@/*', '!@/shared', '!@/shared/**', '**/src/*', '!**/src/shared', '!**/src/shared/**'], message: 'The backend imports only src/shared (via @shared/…).' },
}

module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: { ecmaVersion: 2022, sourceType: 'module', ecmaFeatures: { jsx: true } },
  env: { es2022: true, node: true, browser: true, jest: true },
  plugins: ['@typescript-eslint', 'react', 'react-hooks'],
  extends: [
    'eslint:recommended',
    'plugin:@typescript-eslint/recommended',
    'plugin:react/recommended',
    'plugin:react-hooks/recommended',
  ],
  settings: { react: { version: '18' } },
  globals: { defineAppConfig: 'readonly', definePageConfig: 'readonly' },
  rules: {
    'react/react-in-jsx-scope': 'off',
    'react/prop-types': 'off',
    'react/jsx-key': 'error',
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    '@typescript-eslint/no-explicit-any': 'error',
    'no-console': ['warn', { allow: ['warn', 'error'] }],
    // We write without semicolons; a leading ';' before '(' or '[' is the guard, not an extra.
    'no-extra-semi': 'off',
  },
  overrides: [
    { files: ['*.js', '*.cjs'], rules: { '@typescript-eslint/no-var-requires': 'off' } },
    // Native WeChat components run in the mini-program runtime, which provides these globals.
    { files: ['src/components/native/**/*.js'], globals: { Component: 'readonly', wx: 'readonly' } },
    { files: ['**/*.test.ts', '**/*.test.tsx', 'test/**', 'bench/**', 'scripts/**', 'local-cloud/**', 'config/bundle-size.js'], rules: { 'no-console': 'off' } },
    // The layers (docs/architecture.md "Client layers"): pages → stores, components, shared; components never reach
    // services (the one layer that does I/O); the backend reads nothing of src/ but src/shared. Tests may mock a service.
    {
      files: ['src/pages/**/*.ts', 'src/pages/**/*.tsx'],
      excludedFiles: ['**/*.test.ts', '**/*.test.tsx'],
      rules: { 'no-restricted-imports': ['error', { patterns: [LAYER.services, LAYER.backend] }] },
    },
    {
      files: ['src/components/**/*.ts', 'src/components/**/*.tsx'],
      excludedFiles: ['**/*.test.ts', '**/*.test.tsx'],
      rules: { 'no-restricted-imports': ['error', { patterns: [LAYER.services, LAYER.pages, LAYER.backend] }] },
    },
    {
      files: ['server/**/*.ts', 'cloudfunctions/**/*.ts', 'local-cloud/**/*.ts'],
      rules: { 'no-restricted-imports': ['error', { patterns: [LAYER.clientApp] }] },
    },
  ],
  ignorePatterns: ['dist/', 'node_modules/', 'cloudfunctions/*/index.js', '.temp/'],
}
