/**
 * Training checkpoints for resume: one safetensors file holding the parameters (manifest order, so the leading data
 * is the contiguous parameter buffer, readable by PyTorch as a state_dict) followed by Adam's moments as
 * `optimizer.exp_avg.<name>` / `optimizer.exp_avg_sq.<name>` (torch's names), with step and learning rate in the
 * metadata.
 */
import type { AdamState } from './adam';
import { WeightsError } from './errors';
import type { Manifest } from './manifest';
import { readSafetensors, writeSafetensors } from './safetensors';
import { gatherParameters, OPTIMIZER_PREFIX, splitParameters } from './weights';

export const CHECKPOINT_FORMAT = 'fedstroke-checkpoint/1';
const EXP_AVG = `${OPTIMIZER_PREFIX}exp_avg.`;
const EXP_AVG_SQ = `${OPTIMIZER_PREFIX}exp_avg_sq.`;

export interface TrainingCheckpoint {
  parameters: Float32Array;
  /** Absent when the file holds weights only (e.g. the artifacts' initial checkpoint or a PyTorch export). */
  optimizer?: AdamState;
  learningRate?: number;
  metadata: Record<string, string>;
}

export async function saveTrainingCheckpoint(
  path: string,
  manifest: Manifest,
  parameters: Float32Array,
  optimizer: AdamState,
  learningRate: number,
  extraMetadata: Record<string, string> = {},
): Promise<void> {
  await writeSafetensors(
    path,
    [
      ...splitParameters(parameters, manifest),
      ...splitParameters(optimizer.m, manifest, EXP_AVG),
      ...splitParameters(optimizer.v, manifest, EXP_AVG_SQ),
    ],
    {
      ...extraMetadata,
      format: CHECKPOINT_FORMAT,
      config: manifest.config.name,
      parameterLayoutSha256: manifest.parameterLayoutSha256,
      step: String(optimizer.step),
      lr: String(learningRate),
    },
  );
}

export async function loadTrainingCheckpoint(path: string, manifest: Manifest): Promise<TrainingCheckpoint> {
  const { tensors, metadata } = await readSafetensors(path);
  if (metadata.parameterLayoutSha256 && metadata.parameterLayoutSha256 !== manifest.parameterLayoutSha256) {
    throw new WeightsError(
      `${path} was written for parameter layout ${metadata.parameterLayoutSha256} (config "${metadata.config}"), model "${manifest.config.name}" has ${manifest.parameterLayoutSha256}`,
    );
  }
  const parameters = gatherParameters(tensors, manifest, path);
  const moments = (prefix: string) =>
    tensors.filter((t) => t.name.startsWith(prefix)).map((t) => ({ ...t, name: t.name.slice(prefix.length) }));
  const m = moments(EXP_AVG);
  const v = moments(EXP_AVG_SQ);
  if (m.length === 0 && v.length === 0) return { parameters, metadata };
  const step = Number(metadata.step);
  if (!Number.isSafeInteger(step) || step < 0)
    throw new WeightsError(`${path} holds optimizer state but no valid "step" metadata`);
  const learningRate = metadata.lr !== undefined ? Number(metadata.lr) : undefined;
  return {
    parameters,
    optimizer: {
      m: gatherParameters(m, manifest, `${path} (optimizer exp_avg)`),
      v: gatherParameters(v, manifest, `${path} (optimizer exp_avg_sq)`),
      step,
    },
    learningRate: learningRate !== undefined && Number.isFinite(learningRate) ? learningRate : undefined,
    metadata,
  };
}
