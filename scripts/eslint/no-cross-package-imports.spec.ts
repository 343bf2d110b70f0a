/**
 * The lint rule that keeps imports inside their package: ESLint's own RuleTester runs it on files placed in the
 * repository's layout, so a relative path that leaves apps/<name>, libs/<name> or test/ is reported with the alias
 * to use instead, and one that stays inside is not.
 */
import { join } from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rule = require('./no-cross-package-imports.cjs');

const ROOT = join(__dirname, '..', '..');
const at = (file: string) => join(ROOT, file);
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser as never } });

tester.run('no-cross-package-imports', rule, {
  valid: [
    { filename: at('libs/training/src/train-local.ts'), code: "import { x } from './testing/blob-cases';" },
    { filename: at('libs/training/src/train-local.ts'), code: "import { x } from '@fedstroke/runtime/testing';" },
    { filename: at('apps/site/src/transport/client.ts'), code: "import { x } from '../config/site-config';" },
    { filename: at('test/coordinator-rounds.e2e-spec.ts'), code: "import { x } from './support/tmpfs';" },
    { filename: at('test/coordinator-rounds.e2e-spec.ts'), code: "import type { X } from 'node:fs';" },
  ],
  invalid: [
    {
      filename: at('apps/cli/src/simulate/segment-window.spec.ts'),
      code: "import { SITE_DEFAULTS } from '../../../site/src';",
      errors: [
        {
          message:
            "'../../../site/src' reaches from apps/cli into apps/site by a relative path; import it from '@fedstroke/site'",
        },
      ],
    },
    {
      filename: at('libs/training/src/train-local.spec.ts'),
      code: "import { writeLinearArtifacts } from '../../runtime/src/testing/linear-artifacts';",
      errors: [{ message: /from libs\/training into libs\/runtime .* '@fedstroke\/runtime\/testing'/ }],
    },
    {
      filename: at('apps/coordinator/src/persistence/database.spec.ts'),
      code: "export * from '../../../../test/support/ephemeral-postgres';",
      errors: [{ message: /from apps\/coordinator into test .* '@fedstroke\/test-support'/ }],
    },
    {
      filename: at('test/coordinator-schema.e2e-spec.ts'),
      code: "const m = require('../apps/coordinator/src/graphql/print-schema'); jest.mock('../libs/nifti/src');",
      errors: [{ message: /'@fedstroke\/coordinator\/testing'/ }, { message: /'@fedstroke\/nifti'/ }],
    },
    {
      filename: at('test/coordinator-schema.e2e-spec.ts'),
      code: "const load = () => import('../libs/isles/src/testing/cases');",
      errors: [{ message: /'@fedstroke\/isles\/testing'/ }],
    },
  ],
});
