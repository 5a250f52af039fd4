// One jest configuration for the whole workspace. Sources are ESM TypeScript (NodeNext); @swc/jest
// compiles them to CommonJS for jest, so `.js` suffixes in relative imports are mapped back to the
// `.ts` sources and `@lk/*` imports resolve to each package's src/index.ts (no build needed for
// unit tests). The e2e, browser and pack tiers use the built packages, so `pnpm test` builds first.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  moduleNameMapper: {
    '^@lk/sdk$': '<rootDir>/packages/sdk/src/index.ts',
    '^@lk/mock-server$': '<rootDir>/packages/mock-server/src/index.ts',
    '^@lk/cli$': '<rootDir>/packages/cli/src/main.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  rootDir: import.meta.dirname,
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/dist/'],
  // hyparquet-writer (and its hyparquet) ship ES modules only: compiled like the sources, so the
  // unit tests of lk's parquet export can load them (the bundled bin needs no such step).
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/)?hyparquet)'],
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/packages/*/src/**/*.test.ts'] },
    { ...shared, displayName: 'public', testMatch: ['<rootDir>/packages/*/test/**/*.test.ts'] },
    { ...shared, displayName: 'architecture', testMatch: ['<rootDir>/test/architecture/**/*.test.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'] },
    { ...shared, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser.test.ts'] },
    { ...shared, displayName: 'pack', testMatch: ['<rootDir>/test/pack/**/*.test.ts'] },
    { ...shared, displayName: 'interop', testMatch: ['<rootDir>/test/interop/**/*.interop.test.ts'] },
    { ...shared, displayName: 'hostile', testMatch: ['<rootDir>/test/hostile/**/*.hostile.test.ts'] },
  ],
  testTimeout: 30000,
};
