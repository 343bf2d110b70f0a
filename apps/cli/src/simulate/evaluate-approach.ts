/**
 * Evaluates one trained model the same way for every approach: each site's validation split, all of them pooled,
 * and the independent test set (ISLES'22 figures per case and their summaries), plus overlay images of the best,
 * median and worst test cases. The same function scores the federated model and the baselines, so they compare,
 * and it scores them through the inference path and with the settings `fedstroke segment` uses (its overlap, and
 * the window of the patch the model was trained on, as segment defaults to it): the Dice in the report is the Dice
 * of the masks a clinician would get.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  caseMetrics,
  DEFAULT_DETECTION_SETTINGS,
  summarizeCases,
  type CaseMetrics,
  type DetectionSettings,
} from '@fedstroke/metrics';
import {
  axialSlice,
  bestMedianWorst,
  GROUND_TRUTH_COLOR,
  mostInformativeSlice,
  PREDICTION_COLOR,
  renderOverlayPng,
  type ApproachResult,
  type EvaluatedSet,
  type OverlayImage,
} from '@fedstroke/report';
import { tensorDims } from '@fedstroke/isles';
import { postprocess, type PatchPredictor } from '@fedstroke/runtime';
import { evaluateCases, type TrainingCase } from '@fedstroke/training';

export interface EvaluationSets {
  sites: Array<{ name: string; val: TrainingCase[] }>;
  test: TrainingCase[];
}

export interface EvaluateApproachOptions {
  runDir: string;
  /** File-name stem of this approach's overlays (e.g. "federated"). */
  slug: string;
  silent?: boolean;
  /** Detection settings chosen on validation (default: threshold 0.5, no minimum size). */
  detection?: DetectionSettings & { chosenOn: string };
  /** The sliding window: the patch the model was trained on (segment's default for it); absent: segment's default. */
  window?: readonly [number, number, number];
}

/** How a model's probabilities become masks, and over which windows they are computed. */
export type EvaluationSettings = DetectionSettings & { window?: readonly [number, number, number] };

export async function evaluateApproach(
  predictor: PatchPredictor,
  sets: EvaluationSets,
  options: EvaluateApproachOptions,
): Promise<Pick<ApproachResult, 'validation' | 'test' | 'overlays' | 'detection'>> {
  const progress = (label: string) => ({ label: `${options.slug}: ${label}`, silent: options.silent });
  const settings: EvaluationSettings = {
    ...(options.detection ?? DEFAULT_DETECTION_SETTINGS),
    ...(options.window && { window: options.window }),
  };
  const perSite = await evaluateSites(predictor, sets.sites, settings, (name) => progress(`validate ${name}`));
  const pooledCases = perSite.flatMap((s) => s.cases);
  const masks = new Map<string, Uint8Array>();
  const atDefaults: CaseMetrics[] = [];
  const test = await evaluateCases(predictor, sets.test, {
    progress: progress('test'),
    ...settings,
    onPrediction: (c, mask, prob) => {
      masks.set(c.id, mask);
      // The same probabilities at the plain defaults: what choosing the settings changed, without a second pass.
      if (options.detection) {
        atDefaults.push(caseMetrics(postprocess(prob, c.shape), c.label as Uint8Array, c.shape, c.spacing));
      }
    },
  });
  const testSet: EvaluatedSet = { cases: test.cases, summary: test.summary };
  return {
    validation: { perSite, pooled: { cases: pooledCases, summary: summarizeCases(pooledCases) } },
    test: testSet,
    overlays: await writeOverlays(sets.test, testSet, masks, options),
    ...(options.detection && {
      detection: {
        threshold: options.detection.threshold,
        minLesionVoxels: options.detection.minLesionVoxels,
        chosenOn: options.detection.chosenOn,
        defaultsTest: summarizeCases(atDefaults),
      },
    }),
  };
}

/** Each site's validation split (sites without one are left out), at the given detection settings. */
export async function evaluateSites(
  predictor: PatchPredictor,
  sites: EvaluationSets['sites'],
  settings: EvaluationSettings,
  progress: (site: string) => { label: string; silent?: boolean },
): Promise<ApproachResult['validation']['perSite']> {
  const perSite: ApproachResult['validation']['perSite'] = [];
  for (const site of sites) {
    if (site.val.length === 0) continue;
    const evaluation = await evaluateCases(predictor, site.val, { progress: progress(site.name), ...settings });
    perSite.push({ site: site.name, cases: evaluation.cases, summary: evaluation.summary });
  }
  return perSite;
}

async function writeOverlays(
  cases: TrainingCase[],
  test: EvaluatedSet,
  masks: Map<string, Uint8Array>,
  options: EvaluateApproachOptions,
): Promise<OverlayImage[]> {
  const dir = join(options.runDir, 'overlays');
  await mkdir(dir, { recursive: true });
  const overlays: OverlayImage[] = [];
  for (const { role, row } of bestMedianWorst(test.cases)) {
    const c = cases.find((candidate) => candidate.id === row.id) as TrainingCase;
    const prediction = masks.get(row.id) as Uint8Array;
    const label = c.label as Uint8Array;
    // The report's slicing works in tensor dims [D, H, W].
    const dims = tensorDims(c.shape);
    const [, height, width] = dims;
    const slice = mostInformativeSlice(label, prediction, dims);
    const png = renderOverlayPng({
      image: axialSlice(c.channels[0], dims, slice),
      width,
      height,
      layers: [
        { mask: axialSlice(label, dims, slice), color: GROUND_TRUTH_COLOR },
        { mask: axialSlice(prediction, dims, slice), color: PREDICTION_COLOR },
      ],
      scale: 4,
    });
    const file = join('overlays', `${options.slug}-${role}-${row.id}.png`);
    await writeFile(join(options.runDir, file), png);
    overlays.push({ role, caseId: row.id, dice: row.dice, slice, file, pngBase64: png.toString('base64') });
  }
  return overlays;
}
