// Shared lint config for the whole repo (client src/, cloud functions, local cloud, server, scripts).
// Type-aware rules are left to `tsc --noEmit` (strict); eslint here catches hooks misuse and sloppy code.
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
  ],
  ignorePatterns: ['dist/', 'node_modules/', 'cloudfunctions/*/index.js', '.temp/'],
}
