// Stand-alone config for the database conformance suite and local-cloud/db unit tests, so they run
// even while other projects in the root jest.config.js are being set up:
//   npx jest -c test/conformance/jest.config.js
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2020' } }]

module.exports = {
  rootDir: '../..',
  displayName: 'conformance',
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  testMatch: ['<rootDir>/test/conformance/**/*.test.ts', '<rootDir>/local-cloud/db/**/*.test.ts'],
}
