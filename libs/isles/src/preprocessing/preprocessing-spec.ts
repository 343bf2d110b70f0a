/**
 * The preprocessing a model is trained with, as data: which channels, in which order, and which steps. The
 * artifacts' manifest records it (`manifest.preprocessing`, written by @fedstroke/unet), training builds its steps
 * from it, and clinical inference builds the very same steps from the model it serves, so a clinician's study
 * reaches the network exactly as the training cases did. A model whose recorded preprocessing this version cannot
 * reproduce is refused rather than served with something else.
 */
import { FedstrokeError } from '@fedstroke/common';
import type { ChannelName } from '../loading/loaded-case';
import { CropToBrain } from './crop-to-brain';
import type { Preprocessing } from './preprocessing';
import { ZScoreWithinBrain } from './zscore-within-brain';

export const PREPROCESSING_FORMAT = 'fedstroke-preprocessing/1';

export type PreprocessingStep = { name: 'crop-to-brain'; marginVoxels: number } | { name: 'zscore-within-brain' };

export interface PreprocessingSpec {
  format: typeof PREPROCESSING_FORMAT;
  /** The network's input channels in order, every one on the DWI grid (FLAIR resampled into it, trilinear). */
  channels: ChannelName[];
  /** Applied in order after loading. */
  steps: PreprocessingStep[];
}

/** The margin of CropToBrain in the shipped pipeline (nnU-Net crops to the non-zero region; 2 voxels of context). */
export const BRAIN_MARGIN_VOXELS = 2;

/** A manifest's preprocessing that cannot be read or that this version cannot apply. */
export class PreprocessingSpecError extends FedstrokeError {
  constructor(message: string) {
    super('PREPROCESSING_UNSUPPORTED', message);
  }
}

/** The channels of a network with `inChannels` inputs: DWI and ADC, then FLAIR for a third. */
export function channelsFor(inChannels: number): ChannelName[] {
  if (inChannels === 2) return ['dwi', 'adc'];
  if (inChannels === 3) return ['dwi', 'adc', 'flair'];
  throw new PreprocessingSpecError(
    `a model with ${inChannels} input channels has no ISLES'22 channel layout; expected 2 (DWI, ADC) or 3 (DWI, ADC, FLAIR)`,
  );
}

/** What every model of this project is trained with: crop to the brain plus 2 voxels, then z-score within it. */
export function defaultPreprocessing(inChannels: number): PreprocessingSpec {
  return {
    format: PREPROCESSING_FORMAT,
    channels: channelsFor(inChannels),
    steps: [{ name: 'crop-to-brain', marginVoxels: BRAIN_MARGIN_VOXELS }, { name: 'zscore-within-brain' }],
  };
}

/** "dwi, adc; crop-to-brain (margin 2 voxels), zscore-within-brain": how messages and reports name a spec. */
export function describePreprocessing(spec: PreprocessingSpec): string {
  const steps = spec.steps.map((step) =>
    step.name === 'crop-to-brain' ? `crop-to-brain (margin ${step.marginVoxels} voxels)` : step.name,
  );
  return `${spec.channels.join(', ')}; ${steps.join(', ') || 'no steps'}`;
}

export function samePreprocessing(a: PreprocessingSpec, b: PreprocessingSpec): boolean {
  return describePreprocessing(a) === describePreprocessing(b);
}

const KNOWN_STEPS = ['crop-to-brain (marginVoxels)', 'zscore-within-brain'];

function parseStep(value: unknown, index: number, source: string): PreprocessingStep {
  const step = value as { name?: unknown; marginVoxels?: unknown } | null;
  if (step?.name === 'zscore-within-brain') return { name: 'zscore-within-brain' };
  if (step?.name === 'crop-to-brain') {
    const margin = step.marginVoxels;
    if (Number.isSafeInteger(margin) && (margin as number) >= 0) {
      return { name: 'crop-to-brain', marginVoxels: margin as number };
    }
    throw new PreprocessingSpecError(
      `${source}: preprocessing step ${index} (crop-to-brain) has marginVoxels ${JSON.stringify(margin)}; expected a whole number >= 0`,
    );
  }
  throw new PreprocessingSpecError(
    `${source}: preprocessing step ${index} is ${JSON.stringify(value)}, which this version cannot apply ` +
      `(known steps: ${KNOWN_STEPS.join(', ')}); the model was trained with preprocessing it cannot reproduce`,
  );
}

/**
 * The preprocessing a manifest records, checked against the network's channel count. Absent (artifacts written
 * before it was recorded): the default, with `recorded: false` so callers can say so.
 */
export function preprocessingOf(
  manifest: { config: { name: string; inChannels: number }; preprocessing?: unknown },
  source: string,
): { spec: PreprocessingSpec; recorded: boolean } {
  const value = manifest.preprocessing as Partial<PreprocessingSpec> | undefined;
  const { inChannels } = manifest.config;
  if (value === undefined) return { spec: defaultPreprocessing(inChannels), recorded: false };
  if (value === null || typeof value !== 'object' || value.format !== PREPROCESSING_FORMAT) {
    throw new PreprocessingSpecError(
      `${source}: preprocessing format ${JSON.stringify(value?.format)} is not one this version reads ` +
        `("${PREPROCESSING_FORMAT}"); the model was trained with preprocessing it cannot reproduce`,
    );
  }
  const expected = channelsFor(inChannels);
  if (!Array.isArray(value.channels) || value.channels.join() !== expected.join()) {
    throw new PreprocessingSpecError(
      `${source}: preprocessing channels ${JSON.stringify(value.channels)} do not fit model "${manifest.config.name}" ` +
        `with ${inChannels} inputs; expected ${JSON.stringify(expected)}`,
    );
  }
  if (!Array.isArray(value.steps)) throw new PreprocessingSpecError(`${source}: preprocessing steps must be a list`);
  return {
    spec: {
      format: PREPROCESSING_FORMAT,
      channels: expected,
      steps: value.steps.map((step, index) => parseStep(step, index, source)),
    },
    recorded: true,
  };
}

/** The steps of a spec as the classes that run them. */
export function buildPreprocessing(spec: PreprocessingSpec): Preprocessing[] {
  return spec.steps.map((step) =>
    step.name === 'crop-to-brain' ? new CropToBrain(step.marginVoxels) : new ZScoreWithinBrain(),
  );
}
