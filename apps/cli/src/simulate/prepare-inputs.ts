/**
 * What a simulation needs before any process starts: the dataset (the synthetic default generated on first use),
 * the model artifacts (generated on first use), the split into sites and test set, and a free port.
 */
import { access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { discoverDataset, type DiscoveredDataset, type DatasetSplit } from '@fedstroke/isles';
import { loadArtifacts, type Manifest } from '@fedstroke/runtime';
import { generateDataset, SYNTH_DEFAULTS, SYNTH_MANIFEST } from '@fedstroke/synth';
import { resolveSplit } from '@fedstroke/training';
import { ensureArtifacts } from '@fedstroke/unet';
import type { SimulationOptions } from './simulation-options';

export interface PreparedInputs {
  dataDir: string;
  /** The embedded default, or a --data folder that `fedstroke synth` wrote (it holds synth.json). */
  synthetic: boolean;
  dataset: DiscoveredDataset;
  split: DatasetSplit;
  artifactsDir: string;
  manifest: Manifest;
}

export async function prepareInputs(options: SimulationOptions, say: (line: string) => void): Promise<PreparedInputs> {
  const dataDir = options.data ?? options.synthDir;
  if (options.data === undefined && !(await exists(join(dataDir, 'rawdata')))) {
    say(`no dataset at ${dataDir}: generating the synthetic three-center set`);
    await generateDataset({
      outDir: dataDir,
      cases: options.synthCases ?? SYNTH_DEFAULTS.cases,
      sites: SYNTH_DEFAULTS.sites,
      seed: SYNTH_DEFAULTS.seed,
      shape: options.synthShape,
      silent: options.silent,
    });
  }
  const artifactsDir = await ensureArtifacts(options.artifactsRoot, options.config, options.provider, say);
  const synthetic = options.data === undefined || (await exists(join(dataDir, SYNTH_MANIFEST)));
  const { manifest } = await loadArtifacts(artifactsDir);
  const dataset = await discoverDataset(dataDir, {
    policy: 'skip',
    requireMask: true,
    requireFlair: manifest.config.inChannels >= 3,
  });
  for (const problem of dataset.problems) say(`skipping ${problem.caseId}: ${problem.message}`);
  const split = await resolveSplit(
    dataDir,
    dataset.cases.map((c) => c.id),
    options.splitFile,
  );
  return { dataDir, synthetic, dataset, split, artifactsDir, manifest };
}

/** `preferred` when nothing listens there, else a port the OS picks. */
export async function choosePort(preferred: number): Promise<number> {
  return (await portIsFree(preferred)) ? preferred : 0;
}

/** Whether this process could listen on the port on loopback (where the coordinator child listens) now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
