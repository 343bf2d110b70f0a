// Two tiers, each a jest project with its own timeout (set by a setup file: jest reads testTimeout from the root
// config only): unit specs beside their sources (libs/**, apps/**, scripts/**: pure code,
// in-process databases and ONNX Runtime sessions), and end-to-end tests in test/ (real processes, HTTP, browsers).
// `npm run test:unit` and `npm run test:e2e` run one tier; `npm test` runs both.
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

/** What every tier shares: the ORT-aware environment, swc, the path aliases. */
const common = {
  testEnvironment: '<rootDir>/test/jest/ort-realm-environment.ts',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper,
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/scripts'],
      testMatch: ['**/*.spec.ts'],
      // An in-process test that needs more than 60 s is an end-to-end test in disguise.
      setupFilesAfterEnv: ['<rootDir>/test/jest/unit-timeout.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts', '**/*.spec.ts'],
      // Coordinators, site agents and browsers as real processes on a shared two-core machine: 180 s.
      setupFilesAfterEnv: ['<rootDir>/test/jest/e2e-timeout.ts'],
    },
  ],
  // Two cores: one worker per core keeps heavy ONNX Runtime tests from starving each other.
  maxWorkers: 2,
};
