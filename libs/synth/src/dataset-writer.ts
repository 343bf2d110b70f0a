import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { InvalidArgumentError, ProgressBar } from '@fedstroke/common';
import { islesCasePaths, SiteMap } from '@fedstroke/isles';
import { labelComponents } from '@fedstroke/metrics';
import { Vec3, voxelVolumeMl, writeNifti } from '@fedstroke/nifti';
import { CenterProfile, centerProfile } from './centers';
import { generateCase, SynthCase, SynthCaseFacts } from './case-generator';

export interface SynthDatasetOptions {
  outDir: string;
  cases: number;
  /** Number of synthetic centers; cases are dealt to them in turn (case k → center k mod sites). */
  sites: number;
  seed: number;
  /** DWI grid shape and base spacing (mm); defaults in SYNTH_DEFAULTS. */
  shape?: Vec3;
  spacing?: Vec3;
  /** Replace an earlier synthetic dataset in outDir (never anything else). */
  force?: boolean;
  /** Progress on stderr unless silent. */
  silent?: boolean;
}

/**
 * The embedded default: 90 cases over three centers (per site 19 train + 5 validation, and an 18-case test set at
 * 20%: with fewer, one case moves a mean Dice by several hundredths and approaches cannot be told apart) on a 64×64×40 DWI grid of 2.5×2.5×3 mm (160×160×120 mm, enough for a 1–1.2 L brain), small enough that
 * a 3D U-Net trains on it in minutes on a CPU.
 */
export const SYNTH_DEFAULTS = {
  cases: 90,
  sites: 3,
  seed: 2022,
  shape: [64, 64, 40] as Vec3,
  spacing: [2.5, 2.5, 3] as Vec3,
};

/** Written beside the data; its presence marks a folder as a synthetic dataset that --force may replace. */
export const SYNTH_MANIFEST = 'synth.json';

export interface SynthCaseSummary extends SynthCaseFacts {
  lesionVoxels: number;
  lesionVolumeMl: number;
  /** 26-connected components of the mask, the ISLES'22 lesion count. */
  lesionCount: number;
}

export interface SynthDatasetSummary {
  root: string;
  cases: SynthCaseSummary[];
  centers: CenterProfile[];
  siteMap: SiteMap;
}

function validate(options: SynthDatasetOptions): { shape: Vec3; spacing: Vec3 } {
  const positiveInteger = (name: string, value: number, max: number) => {
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw new InvalidArgumentError(`${name} must be an integer in 1..${max}, got ${value}`);
  };
  positiveInteger('cases', options.cases, 9999);
  positiveInteger('sites', options.sites, 99);
  if (!Number.isInteger(options.seed) || options.seed < 0)
    throw new InvalidArgumentError(`seed must be a non-negative integer, got ${options.seed}`);
  const shape = options.shape ?? SYNTH_DEFAULTS.shape;
  const spacing = options.spacing ?? SYNTH_DEFAULTS.spacing;
  if (shape.length !== 3 || shape.some((n) => !Number.isInteger(n) || n < 16 || n > 512))
    throw new InvalidArgumentError(`shape must be three integers in 16..512, got [${shape}]`);
  if (spacing.length !== 3 || spacing.some((s) => !Number.isFinite(s) || s < 0.5 || s > 8))
    throw new InvalidArgumentError(`spacing must be three values in 0.5..8 mm, got [${spacing}]`);
  return { shape, spacing };
}

/** Refuses to write into a non-empty folder unless it holds an earlier synthetic dataset and `force` is set. */
async function prepareOutDir(outDir: string, force: boolean): Promise<void> {
  const entries = await fs.readdir(outDir).catch(() => [] as string[]);
  if (entries.length > 0) {
    if (!entries.includes(SYNTH_MANIFEST))
      throw new InvalidArgumentError(
        `--out ${outDir} exists and is not a synthetic dataset (no ${SYNTH_MANIFEST}); choose an empty folder`,
      );
    if (!force)
      throw new InvalidArgumentError(`--out ${outDir} already holds a synthetic dataset; pass --force to replace it`);
    for (const owned of [
      'rawdata',
      'derivatives',
      'participants.tsv',
      'site-map.json',
      'dataset_description.json',
      SYNTH_MANIFEST,
    ])
      await fs.rm(path.join(outDir, owned), { recursive: true, force: true });
  }
  await fs.mkdir(outDir, { recursive: true });
}

async function writeCase(root: string, synthCase: SynthCase): Promise<void> {
  const paths = islesCasePaths(root, synthCase.facts.id);
  const files: [string, SynthCase['dwi']][] = [
    [paths.dwi, synthCase.dwi],
    [paths.adc, synthCase.adc],
    [paths.flair, synthCase.flair],
    [paths.mask, synthCase.mask],
  ];
  await Promise.all(files.map(([file]) => fs.mkdir(path.dirname(file), { recursive: true })));
  await Promise.all(files.map(([file, stored]) => writeNifti(file, stored.volume, { datatype: stored.datatype })));
}

function summarize(synthCase: SynthCase): SynthCaseSummary {
  const mask = synthCase.mask.volume;
  const components = labelComponents(mask.data, mask.shape);
  const lesionVoxels = components.sizes.reduce((sum, size) => sum + size, 0);
  return {
    ...synthCase.facts,
    lesionVoxels,
    lesionVolumeMl: lesionVoxels * voxelVolumeMl(mask),
    lesionCount: components.count,
  };
}

/**
 * Generates the dataset in the ISLES'22 layout plus participants.tsv (per-case facts), site-map.json (case →
 * center, for splitFromSiteMap), dataset_description.json and synth.json (the options, to regenerate it).
 * Files of case k are compressed on libuv's threads while case k + 1 is being drawn.
 */
export async function generateDataset(options: SynthDatasetOptions): Promise<SynthDatasetSummary> {
  const { shape, spacing } = validate(options);
  await prepareOutDir(options.outDir, options.force ?? false);
  const centers = Array.from({ length: options.sites }, (_, index) => centerProfile(index, options.seed));
  const progress = new ProgressBar({ label: 'synth', total: options.cases, silent: options.silent });
  const summaries: SynthCaseSummary[] = [];
  let writing: Promise<void> = Promise.resolve();
  for (let index = 0; index < options.cases; index++) {
    const synthCase = generateCase({
      seed: options.seed,
      index,
      center: centers[index % options.sites],
      shape,
      spacing,
    });
    summaries.push(summarize(synthCase));
    await writing;
    writing = writeCase(options.outDir, synthCase);
    progress.tick(1, synthCase.facts.id);
  }
  await writing;
  const siteMap: SiteMap = Object.fromEntries(summaries.map((c) => [c.id, c.center]));
  await writeMetadata(options, { shape, spacing }, centers, summaries, siteMap);
  return { root: options.outDir, cases: summaries, centers, siteMap };
}

async function writeMetadata(
  options: SynthDatasetOptions,
  grid: { shape: Vec3; spacing: Vec3 },
  centers: CenterProfile[],
  cases: SynthCaseSummary[],
  siteMap: SiteMap,
): Promise<void> {
  const header = ['participant_id', 'center', 'lesion_pattern', 'border', 'onset_hours', 'flair_visible'];
  header.push('adc_pseudonormal');
  header.push('lesion_volume_ml', 'lesion_count', 'mimics');
  const rows = cases.map((c) =>
    [
      c.id,
      c.center,
      c.pattern,
      c.border,
      c.onsetHours.toFixed(1),
      c.flairVisible ? 'yes' : 'no',
      c.adcPseudoNormal ? 'yes' : 'no',
      c.lesionVolumeMl.toFixed(3),
      c.lesionCount,
      c.mimics.join(',') || 'n/a',
    ].join('\t'),
  );
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const description = {
    Name: 'fedstroke synthetic ISLES-like multi-center stroke MRI',
    BIDSVersion: '1.8.0',
    DatasetType: 'raw',
    GeneratedBy: [{ Name: 'fedstroke synth', Description: 'libs/synth' }],
  };
  const manifest = {
    generator: 'fedstroke synth',
    version: 2,
    seed: options.seed,
    cases: options.cases,
    sites: options.sites,
    ...grid,
    centers,
  };
  await fs.writeFile(path.join(options.outDir, 'participants.tsv'), [header.join('\t'), ...rows].join('\n') + '\n');
  await fs.writeFile(path.join(options.outDir, 'site-map.json'), json(siteMap));
  await fs.writeFile(path.join(options.outDir, 'dataset_description.json'), json(description));
  await fs.writeFile(path.join(options.outDir, SYNTH_MANIFEST), json(manifest));
}
