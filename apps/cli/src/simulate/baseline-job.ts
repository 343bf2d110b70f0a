/**
 * The file a simulation hands to a `fedstroke baseline-job` child: which cases to load (ids only: the child loads
 * its own copy, images never cross the pipe), which model to train on how many steps, and the training settings.
 * The child answers with the ApproachResult JSON in its --out file. Both files are written atomically (temporary
 * file + rename), so a reader never sees half of one.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FedstrokeError } from '@fedstroke/common';
import type { ApproachResult } from '@fedstroke/report';
import type { SpatialDims } from '@fedstroke/training';
import type { BaselineSettings, BaselineSpec } from './baselines';

export const BASELINE_JOB_FORMAT = 'fedstroke-baseline-job/1';

/** A job file that cannot be read or breaks its format; the message names the file and the field. */
export class BaselineJobError extends FedstrokeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BASELINE_JOB', message, options);
  }
}

/** Case ids of one job, all in the dataset at `dataDir`. */
export interface BaselineJobCases {
  train: string[];
  /** Validation cases of the learning curve (every site's pooled, or the one site's own). */
  curveVal: string[];
  /** Each site's validation split, evaluated at the end like the federated model's. */
  sites: Array<{ name: string; val: string[] }>;
  test: string[];
}

export interface BaselineJob {
  format: typeof BASELINE_JOB_FORMAT;
  /** The ISLES'22-layout dataset the ids refer to. */
  dataDir: string;
  cases: BaselineJobCases;
  spec: Omit<BaselineSpec, 'train' | 'curveVal'>;
  settings: Omit<BaselineSettings, 'silent'>;
}

export async function writeBaselineJob(file: string, job: BaselineJob): Promise<void> {
  await writeJsonAtomic(file, job);
}

export async function readBaselineJob(file: string): Promise<BaselineJob> {
  return parseBaselineJob(await readJson(file, 'baseline job'), file);
}

/** Checks every field a job needs, so a bad file fails before any case is loaded. */
export function parseBaselineJob(json: unknown, file: string): BaselineJob {
  const fields = new JobFields(file);
  const root = fields.object(json, 'the job');
  if (root.format !== BASELINE_JOB_FORMAT)
    throw new BaselineJobError(
      `baseline job ${file}: "format" is ${JSON.stringify(root.format)}, expected "${BASELINE_JOB_FORMAT}"`,
    );
  const cases = fields.object(root.cases, 'cases');
  const spec = fields.object(root.spec, 'spec');
  const settings = fields.object(root.settings, 'settings');
  const kind = spec.kind;
  if (kind !== 'centralized' && kind !== 'local-only')
    throw fields.error('spec.kind', kind, '"centralized" or "local-only"');
  return {
    format: BASELINE_JOB_FORMAT,
    dataDir: fields.string(root.dataDir, 'dataDir'),
    cases: {
      train: fields.ids(cases.train, 'cases.train', 1),
      curveVal: fields.ids(cases.curveVal, 'cases.curveVal', 0),
      sites: fields.array(cases.sites, 'cases.sites', 1).map((value, index) => {
        const site = fields.object(value, `cases.sites[${index}]`);
        return {
          name: fields.string(site.name, `cases.sites[${index}].name`),
          val: fields.ids(site.val, `cases.sites[${index}].val`, 0),
        };
      }),
      test: fields.ids(cases.test, 'cases.test', 1),
    },
    spec: {
      name: fields.string(spec.name, 'spec.name'),
      kind,
      ...(spec.site !== undefined && { site: fields.string(spec.site, 'spec.site') }),
      slug: fields.fileStem(spec.slug, 'spec.slug'),
      steps: fields.integer(spec.steps, 'spec.steps', 1),
      valEvery: fields.integer(spec.valEvery, 'spec.valEvery', 0),
    },
    settings: {
      ...(settings.selectDetection !== undefined && {
        selectDetection: fields.boolean(settings.selectDetection, 'settings.selectDetection'),
      }),
      artifactsDir: fields.string(settings.artifactsDir, 'settings.artifactsDir'),
      batchSize: fields.integer(settings.batchSize, 'settings.batchSize', 1),
      patchSize: fields.patch(settings.patchSize, 'settings.patchSize'),
      learningRate: fields.positive(settings.learningRate, 'settings.learningRate'),
      warmupSteps: fields.integer(settings.warmupSteps, 'settings.warmupSteps', 0),
      seed: fields.integer(settings.seed, 'settings.seed', Number.MIN_SAFE_INTEGER),
      threads: fields.integer(settings.threads, 'settings.threads', 1),
      runDir: fields.string(settings.runDir, 'settings.runDir'),
    },
  };
}

/** Writes JSON through a temporary file and a rename: readers see the old file, or the whole new one. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value)}\n`);
  await rename(temporary, file);
}

/** The child's answer, as the parent reads it back; checks it is the result of the job that was asked for. */
export async function readBaselineResult(file: string, job: BaselineJob): Promise<ApproachResult> {
  const result = (await readJson(file, 'baseline result')) as ApproachResult | null;
  if (result?.name !== job.spec.name || result.kind !== job.spec.kind || !Array.isArray(result.overlays))
    throw new BaselineJobError(
      `baseline result ${file}: expected the result of "${job.spec.name}" (${job.spec.kind}), found ${JSON.stringify(result?.name)}`,
    );
  return result;
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BaselineJobError(`${what} ${file}: cannot read it (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BaselineJobError(`${what} ${file}: not valid JSON (${(error as Error).message})`);
  }
}

/** Field checks whose errors read "baseline job <file>: <field> must be <what> (got <value>)". */
class JobFields {
  constructor(private readonly file: string) {}

  error(path: string, value: unknown, expected: string): BaselineJobError {
    const shown = value === undefined ? 'nothing' : JSON.stringify(value)?.slice(0, 80);
    return new BaselineJobError(`baseline job ${this.file}: ${path} must be ${expected} (got ${shown})`);
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw this.error(path, value, 'an object');
    return value as Record<string, unknown>;
  }

  array(value: unknown, path: string, min: number): unknown[] {
    if (!Array.isArray(value) || value.length < min)
      throw this.error(
        path,
        value,
        min > 0 ? `an array of at least ${min} entr${min === 1 ? 'y' : 'ies'}` : 'an array',
      );
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string' || value === '') throw this.error(path, value, 'a non-empty string');
    return value;
  }

  ids(value: unknown, path: string, min: number): string[] {
    const list = this.array(value, path, min);
    const bad = list.findIndex((id) => typeof id !== 'string' || id === '');
    if (bad >= 0) throw this.error(`${path}[${bad}]`, list[bad], 'a case id string');
    return list as string[];
  }

  /** Used in log and overlay file names, so no separators or spaces. */
  fileStem(value: unknown, path: string): string {
    const text = this.string(value, path);
    if (!/^[A-Za-z0-9._-]+$/.test(text)) throw this.error(path, value, 'letters, digits, ".", "_" or "-" only');
    return text;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') throw this.error(path, value, 'true or false');
    return value;
  }

  integer(value: unknown, path: string, min: number): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
      throw this.error(path, value, min === Number.MIN_SAFE_INTEGER ? 'an integer' : `an integer ≥ ${min}`);
    return value;
  }

  positive(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      throw this.error(path, value, 'a number > 0');
    return value;
  }

  patch(value: unknown, path: string): SpatialDims {
    const list = this.array(value, path, 3);
    if (list.length !== 3 || list.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1))
      throw this.error(path, value, 'three integers ≥ 1 ([D, H, W])');
    return list as SpatialDims;
  }
}
