/**
 * The site agent's and the admin client's GraphQL operation types are derived from apps/coordinator/schema.graphql
 * (itself checked against the code-first models by coordinator-schema.e2e-spec). This fails when a generated file
 * drifts from what scripts/generate-graphql-types.js writes now (regenerate: npm run generate:graphql).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..');

/** What the generator would write, without writing (a child process: jest cannot load codegen's ES modules). */
async function generate(options: { targets?: string[] } = {}): Promise<Array<{ file: string; content: string }>> {
  const script = join(ROOT, 'scripts/generate-graphql-types.js');
  const { stdout } = await promisify(execFile)(process.execPath, [script, '--print', ...(options.targets ?? [])]);
  return JSON.parse(stdout) as Array<{ file: string; content: string }>;
}

it('the committed *-operations.generated.ts files are what the schema and the .graphql files give', async () => {
  const files = await generate();
  expect(files.map((f) => f.file)).toEqual([
    'apps/site/src/transport/coordinator-operations.generated.ts',
    'apps/cli/src/simulate/admin-operations.generated.ts',
  ]);
  for (const { file, content } of files)
    expect([file, readFileSync(join(ROOT, file), 'utf8')]).toEqual([file, content]);
});

it('refuses an operation that asks for a field the schema does not have', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedstroke-operations-'));
  try {
    const operations = join(dir, 'bad.graphql');
    writeFileSync(operations, 'query Bad { currentSite { id hospitalName } }');
    await expect(generate({ targets: [operations] })).rejects.toThrow(/hospitalName/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
