/** The committed schema file matches what the code-first models produce (regenerate with FEDSTROKE_UPDATE_SCHEMA=1). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printCoordinatorSchema } from '@fedstroke/coordinator/testing';
import { bootCoordinator, makeWorkspace } from './coordinator-kit';

const SCHEMA_FILE = join(__dirname, '../apps/coordinator/schema.graphql');

it('apps/coordinator/schema.graphql is up to date', async () => {
  const workspace = makeWorkspace();
  const coordinator = await bootCoordinator(workspace);
  try {
    const schema = printCoordinatorSchema(coordinator.app);
    if (process.env.FEDSTROKE_UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, schema);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schema);
  } finally {
    await coordinator.close();
    workspace.cleanup();
  }
});
