/**
 * Typed operations stay in step with apps/coordinator/schema.graphql (regenerate with `npm run codegen`). The
 * generator runs in its own Node process: its plugins load ESM dependencies that jest's module loader cannot.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

function node(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

it('every generated operations file is current with the schema', () => {
  expect(node(['scripts/graphql-codegen.js', '--check'])).toEqual({ status: 0, stderr: '' });
});

it('refuses an operation that asks for a field the schema does not have, naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fedstroke-codegen-'));
  try {
    const document = join(dir, 'bad.graphql');
    writeFileSync(document, 'query Bad { viewer { role clearanceLevel } }');
    const target = JSON.stringify({ documents: [document], output: 'bad.ts' });
    const run = node([
      '-e',
      `require('./scripts/graphql-codegen.js').generate(${target}).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); })`,
    ]);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/clearanceLevel/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
