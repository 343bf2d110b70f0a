import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import noCrossPackageImports from './scripts/eslint/no-cross-package-imports.cjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'runs/**', 'data/**', 'onnx-models/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { fedstroke: { rules: { 'no-cross-package-imports': noCrossPackageImports } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      // Another app's, lib's or test folder's code comes through its tsconfig alias, never a ../../ path.
      'fedstroke/no-cross-package-imports': 'error',
    },
  },
  {
    // The dashboard runs in the browser.
    files: ['apps/dashboard/src/**/*.{ts,tsx}'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        navigator: 'readonly',
        fetch: 'readonly',
        sessionStorage: 'readonly',
        URL: 'readonly',
        Blob: 'readonly',
        ResizeObserver: 'readonly',
        addEventListener: 'readonly',
        removeEventListener: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
