/**
 * Training checkpoints for resume, as two safetensors files side by side:
 *   - `NAME.safetensors`: the parameters only (manifest order, so the leading data is the contiguous parameter buffer),
 *     named like the PyTorch reference's state_dict, so `load_state_dict(..., strict=True)` takes the file as it is;
 *   - `NAME.optimizer.safetensors`: Adam's moments as `exp_avg.<name>` / `exp_avg_sq.<name>` (torch's names), with step
 *     and learning rate in its metadata.
 * Both carry the same `checkpointId` in their metadata. The optimizer file is written first and the parameters file
 * last, so a crash in between leaves the previous parameters beside newer moments: their ids differ, and the load
 * then restores the parameters alone (the optimizer starts afresh) rather than pairing them with the wrong moments.
 * Checkpoints of the first format (`fedstroke-checkpoint/1`, moments inside the one file under `optimizer.`) still load.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AdamState } from './adam';
import { WeightsError } from './errors';
import type { Manifest } from './manifest';
import { decodeSafetensors, type NamedTensor, readSafetensors, writeSafetensors } from './safetensors';
import { gatherParameters, OPTIMIZER_PREFIX, splitParameters } from './weights';

export const CHECKPOINT_FORMAT = 'fedstroke-checkpoint/2';
export const OPTIMIZER_STATE_FORMAT = 'fedstroke-optimizer-state/1';
const LEGACY_CHECKPOINT_FORMAT = 'fedstroke-checkpoint/1';
const EXP_AVG = 'exp_avg.';
const EXP_AVG_SQ = 'exp_avg_sq.';

export interface TrainingCheckpoint {
  parameters: Float32Array;
  /** Absent when there is no (matching) optimizer state: the artifacts' initial checkpoint, a PyTorch export. */
  optimizer?: AdamState;
  learningRate?: number;
  metadata: Record<string, string>;
}

/** The optimizer-state file that belongs to a checkpoint: `x.safetensors` → `x.optimizer.safetensors`. */
export function optimizerStatePath(checkpointPath: string): string {
  const name = basename(checkpointPath).replace(/\.safetensors$/, '');
  return join(dirname(checkpointPath), `${name}.optimizer.safetensors`);
}

export async function saveTrainingCheckpoint(
  path: string,
  manifest: Manifest,
  parameters: Float32Array,
  optimizer: AdamState,
  learningRate: number,
  extraMetadata: Record<string, string> = {},
): Promise<void> {
  const shared = {
    config: manifest.config.name,
    parameterLayoutSha256: manifest.parameterLayoutSha256,
    step: String(optimizer.step),
    lr: String(learningRate),
    checkpointId: `${optimizer.step}-${randomBytes(6).toString('hex')}`,
  };
  const optimizerPath = optimizerStatePath(path);
  await writeSafetensors(
    optimizerPath,
    [...splitParameters(optimizer.m, manifest, EXP_AVG), ...splitParameters(optimizer.v, manifest, EXP_AVG_SQ)],
    { ...shared, format: OPTIMIZER_STATE_FORMAT },
  );
  await writeSafetensors(path, splitParameters(parameters, manifest), {
    ...extraMetadata,
    ...shared,
    format: CHECKPOINT_FORMAT,
    optimizerState: basename(optimizerPath),
  });
}

export async function loadTrainingCheckpoint(path: string, manifest: Manifest): Promise<TrainingCheckpoint> {
  const { tensors, metadata } = await readSafetensors(path);
  if (metadata.parameterLayoutSha256 && metadata.parameterLayoutSha256 !== manifest.parameterLayoutSha256) {
    throw new WeightsError(
      `${path} was written for parameter layout ${metadata.parameterLayoutSha256} (config "${metadata.config}"), model "${manifest.config.name}" has ${manifest.parameterLayoutSha256}`,
    );
  }
  const parameters = gatherParameters(tensors, manifest, path);
  const moments =
    metadata.format === LEGACY_CHECKPOINT_FORMAT
      ? { tensors: tensors.map((t) => ({ ...t, name: t.name.replace(OPTIMIZER_PREFIX, '') })), source: path }
      : await readOptimizerState(path, metadata);
  if (moments === null) return { parameters, metadata };
  const m = withPrefix(moments.tensors, EXP_AVG);
  const v = withPrefix(moments.tensors, EXP_AVG_SQ);
  if (m.length === 0 && v.length === 0) return { parameters, metadata };
  const step = Number(metadata.step);
  if (!Number.isSafeInteger(step) || step < 0)
    throw new WeightsError(`${path} holds optimizer state but no valid "step" metadata`);
  const learningRate = metadata.lr !== undefined ? Number(metadata.lr) : undefined;
  return {
    parameters,
    optimizer: {
      m: gatherParameters(m, manifest, `${moments.source} (optimizer exp_avg)`),
      v: gatherParameters(v, manifest, `${moments.source} (optimizer exp_avg_sq)`),
      step,
    },
    learningRate: learningRate !== undefined && Number.isFinite(learningRate) ? learningRate : undefined,
    metadata,
  };
}

/** The checkpoint's optimizer file when it names one, exists and was written by the same save; otherwise null. */
async function readOptimizerState(
  path: string,
  metadata: Record<string, string>,
): Promise<{ tensors: NamedTensor[]; source: string } | null> {
  if (!metadata.optimizerState) return null;
  const source = join(dirname(path), basename(metadata.optimizerState));
  let bytes: Buffer;
  try {
    bytes = await readFile(source);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new WeightsError(`${source}: cannot be read (${(error as Error).message})`);
  }
  const state = decodeSafetensors(bytes, source);
  return state.metadata.checkpointId === metadata.checkpointId ? { tensors: state.tensors, source } : null;
}

function withPrefix(tensors: readonly NamedTensor[], prefix: string): NamedTensor[] {
  return tensors.filter((t) => t.name.startsWith(prefix)).map((t) => ({ ...t, name: t.name.slice(prefix.length) }));
}
