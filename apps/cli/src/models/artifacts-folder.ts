import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { namedConfig, writeArtifacts } from '@fedstroke/unet';

/** <root>/<config>, generated (deterministically, seed 0) when absent, as `fedstroke train` does. */
export async function ensureArtifacts(root: string, name: string, quiet: boolean): Promise<string> {
  const dir = join(root, name);
  const present = await access(join(dir, 'manifest.json')).then(
    () => true,
    () => false,
  );
  if (present) return dir;
  if (!quiet) process.stderr.write(`no artifacts at ${dir}: generating them for config "${name}"\n`);
  return (await writeArtifacts(root, namedConfig(name), 0)).dir;
}
