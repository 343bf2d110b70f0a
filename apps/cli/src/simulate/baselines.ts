/**
 * The reference study's comparisons, trained with libs/training's loop and the same settings as the sites:
 * centralized (every site's training cases pooled — what sharing images would allow) and local-only (each site
 * alone). Budgets match the federation's: centralized gets rounds × localSteps × sites optimizer steps, each
 * local-only model the rounds × localSteps its site spent in the federation (the same total over all sites).
 * A simulation runs each baseline in a `fedstroke baseline-job` child process (baseline-lanes.ts), several at once.
 * Each baseline's final weights are kept as a model export (runs/<id>/baseline-models/<slug>: model.safetensors +
 * manifest.json, recording its training patch), so `fedstroke segment --model` can score it later at any window.
 */
import { join } from 'node:path';
import { type ModelProvenance, TrainingSession, UNKNOWN_PROVENANCE, writeModelExport } from '@fedstroke/runtime';
import type { ApproachResult, CurvePoint } from '@fedstroke/report';
import {
  DEFAULT_DETECTION_GRID,
  detectionReport,
  selectDetectionSettings,
  type DetectionSettings,
} from '@fedstroke/metrics';
import { scoreDetectionGrid, trainLocal, type SpatialDims, type TrainingCase } from '@fedstroke/training';
import { evaluateApproach, type EvaluationSets } from './evaluate-approach';

export interface BaselineSettings {
  /** Choose the detection settings on the curve's validation cases (the pooled splits, or the site's own). */
  selectDetection?: boolean;
  artifactsDir: string;
  batchSize: number;
  patchSize: SpatialDims;
  learningRate: number;
  warmupSteps: number;
  seed: number;
  threads: number;
  runDir: string;
  silent?: boolean;
}

export interface BaselineSpec {
  name: string;
  kind: 'centralized' | 'local-only';
  site?: string;
  slug: string;
  train: TrainingCase[];
  /** Validation cases for the learning curve (the pooled or the site's own). */
  curveVal: TrainingCase[];
  steps: number;
  /** Validate for the curve every this many steps. */
  valEvery: number;
}

/** Where a running baseline is, for a progress display. */
export interface BaselineHooks {
  onStep?: (step: number) => void;
  /** Training is done; the final model is being evaluated. */
  onEvaluate?: () => void;
}

export async function runBaseline(
  spec: BaselineSpec,
  sets: EvaluationSets,
  settings: BaselineSettings,
  hooks: BaselineHooks = {},
): Promise<ApproachResult> {
  const session = await TrainingSession.create(settings.artifactsDir, { intraOpNumThreads: settings.threads });
  try {
    const started = Date.now();
    const result = await trainLocal(
      session,
      { train: spec.train, val: spec.curveVal },
      {
        steps: spec.steps,
        batchSize: settings.batchSize,
        patchSize: settings.patchSize,
        learningRate: settings.learningRate,
        schedule: 'poly',
        warmupSteps: Math.min(settings.warmupSteps, spec.steps - 1),
        seed: settings.seed,
        valEvery: spec.valEvery,
        progress: { label: `${spec.slug} train`, silent: settings.silent },
        onStep: (event) => hooks.onStep?.(event.step),
      },
    );
    const wallTimeSeconds = (Date.now() - started) / 1000;
    hooks.onEvaluate?.();
    // The final weights, as for the federation (no best-checkpoint selection on validation).
    session.loadParametersBuffer(result.weights);
    const modelDir = baselineModelDir(settings.runDir, spec.slug);
    await writeModelExport(modelDir, session.manifest, result.weights, baselineProvenance(spec, settings));
    const curve: CurvePoint[] = result.valHistory.map((entry) => ({ steps: entry.step, dice: entry.meanDice }));
    // Scored at the window segment would run it with: its own training patch.
    const window = settings.patchSize;
    const detection = settings.selectDetection ? await chooseDetection(session, spec, window) : null;
    const evaluated = await evaluateApproach(session, sets, {
      runDir: settings.runDir,
      slug: spec.slug,
      window,
      silent: settings.silent,
      ...(detection && { detection }),
    });
    return {
      name: spec.name,
      kind: spec.kind,
      site: spec.site,
      optimizerSteps: result.stepsDone,
      wallTimeSeconds,
      curve,
      modelDir,
      ...evaluated,
    };
  } finally {
    await session.release();
  }
}

/**
 * The same grid and rule as the federation's choice (libs/metrics detection-selection.ts), on the baseline's own
 * validation cases: the pooled splits for the centralized model, its site's split for a local-only one.
 */
async function chooseDetection(
  session: TrainingSession,
  spec: BaselineSpec,
  window: SpatialDims,
): Promise<(DetectionSettings & { chosenOn: string }) | null> {
  if (spec.curveVal.length === 0) return null;
  const scores = await scoreDetectionGrid(session, spec.curveVal, DEFAULT_DETECTION_GRID, { window });
  const choice = selectDetectionSettings([detectionReport(scores, spec.curveVal.length)]);
  if (!choice) return null;
  const where =
    spec.kind === 'centralized' ? "every site's validation split, pooled" : `${spec.site}'s validation split`;
  return { threshold: choice.threshold, minLesionVoxels: choice.minLesionVoxels, chosenOn: where };
}

/** Where a baseline's final model is exported in the run folder. */
export function baselineModelDir(runDir: string, slug: string): string {
  return join(runDir, 'baseline-models', slug);
}

/** How a baseline's weights came about: trained in one process from the artifacts' checkpoint, on this patch. */
function baselineProvenance(spec: BaselineSpec, settings: BaselineSettings): ModelProvenance {
  return {
    ...UNKNOWN_PROVENANCE,
    kind: spec.kind,
    strategy: spec.kind === 'centralized' ? 'centralized (pooled training cases)' : `local-only (${spec.site})`,
    startedFrom: `the artifacts checkpoint of ${settings.artifactsDir}`,
    trainingPatch: [...settings.patchSize] as [number, number, number],
  };
}
