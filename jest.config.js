// Unit specs live beside their sources (libs/**, apps/**); cross-app end-to-end tests live in test/.
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/jest/ort-realm-environment.ts',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
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
  testTimeout: 60000,
  // Two cores: one worker per core keeps heavy ONNX Runtime tests from starving each other.
  maxWorkers: 2,
};
