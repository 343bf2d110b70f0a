/**
 * Which weights `fedstroke segment` runs, and what it knows about how they were trained: a model export folder (its
 * manifest says), a coordinator model version id (the coordinator says), any other weights file (nothing known), or
 * nothing — the config's own checkpoint, seeded random weights that were never trained. Untrained weights (the
 * checkpoint, a file equal to it, a round-0 model) are refused unless the user passes --allow-untrained.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { fetchModelVersion, type SegmentationModel, type SegmentationModelSource } from '@fedstroke/inference';
import { type Manifest, readModelExport } from '@fedstroke/runtime';
import { coordinatorToken, fetchModelVersionInfo } from '../models/coordinator-model';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ModelFlags {
  model?: string;
  coordinator?: string;
  allowUntrained?: boolean;
}

/** Refuses at once, before any file is read, when no --model is given and untrained weights are not allowed. */
export function checkModelFlags(flags: ModelFlags, artifactsDir: string): void {
  if (flags.model === undefined && !flags.allowUntrained) throw untrainedRefusal(`the "${artifactsDir}" checkpoint`);
}

export async function segmentModelSource(
  flags: ModelFlags,
  artifactsDir: string,
  manifest: Manifest,
): Promise<SegmentationModelSource> {
  if (flags.model === undefined) return { artifactsDir };
  if (UUID.test(flags.model)) {
    if (!flags.coordinator) {
      throw new InvalidArgumentError(`--model ${flags.model} is a model version id: give --coordinator URL`);
    }
    const token = coordinatorToken('--model', flags.model);
    const info = await fetchModelVersionInfo(flags.coordinator, flags.model, token);
    const weights = await fetchModelVersion(flags.coordinator, flags.model, token, manifest);
    return { artifactsDir, weights, version: flags.model, training: info.training };
  }
  const exported = await readModelExport(flags.model, manifest);
  if (exported) {
    return {
      artifactsDir,
      weights: exported.weights,
      version: exported.exported.provenance.modelVersionId ?? flags.model,
      training: exported.exported.provenance,
    };
  }
  return { artifactsDir, weights: flags.model };
}

/** After loading: untrained weights only with --allow-untrained (the caller releases the model on a throw). */
export function checkTrained(model: SegmentationModel, flags: ModelFlags): void {
  if (model.info.training.untrained && !flags.allowUntrained) {
    throw untrainedRefusal(
      `--model ${flags.model ?? ''} (${model.info.training.startedFrom ?? 'untrained weights'})`.trim(),
    );
  }
}

function untrainedRefusal(what: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `refusing to segment with ${what}: these are untrained initial weights (seeded random), whose masks mean ` +
      'nothing. Pass --model with trained weights (a model export folder from `fedstroke export` or a simulate run, ' +
      'a .safetensors checkpoint, a model version file or id), or --allow-untrained to run them anyway',
  );
}
