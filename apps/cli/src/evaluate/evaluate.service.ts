import { InvalidArgumentError, ProgressBar } from '@fedstroke/common';
import { caseMetrics, summarizeCases, type CaseMetrics, type CaseSetSummary } from '@fedstroke/metrics';
import { readNifti, type Vec3 } from '@fedstroke/nifti';
import { caseIdOf, listNiftiFiles, pairByCaseId, type CasePair } from './case-pairing';
import { CasePairingError } from './evaluate.errors';
import {
  DEFAULT_GRID_TOLERANCE,
  MASK_THRESHOLD,
  assertSameGrid,
  binarizePrediction,
  groundTruthMask,
} from './mask-grid';

/** Either one pair of files or two folders; the command guarantees exactly one of the two. */
export type EvaluateOptions =
  | { pred: string; gt: string; gridTolerance?: number }
  | { predDir: string; gtDir: string; gridTolerance?: number; showProgress?: boolean };

export interface EvaluatedCase extends CaseMetrics {
  caseId: string;
  pred: string;
  gt: string;
  shape: Vec3;
  spacing: Vec3;
}

export interface PairEvaluation {
  mode: 'pair';
  threshold: number;
  case: EvaluatedCase;
}

export interface SetEvaluation {
  mode: 'set';
  threshold: number;
  predDir: string;
  gtDir: string;
  cases: EvaluatedCase[];
  summary: CaseSetSummary;
  /** Files present on one side only, by path: reported, never dropped silently. */
  unmatched: { predOnly: string[]; gtOnly: string[] };
}

export type EvaluateResult = PairEvaluation | SetEvaluation;

/** Reads one prediction / ground-truth pair, checks the grids and computes every ISLES'22 metric. */
export async function evaluatePair(pair: CasePair, gridTolerance = DEFAULT_GRID_TOLERANCE): Promise<EvaluatedCase> {
  const [pred, gt] = await Promise.all([readNifti(pair.pred), readNifti(pair.gt)]);
  assertSameGrid(pred, gt, gridTolerance);
  const metrics = caseMetrics(binarizePrediction(pred), groundTruthMask(gt), gt.shape, gt.spacing);
  return { caseId: pair.caseId, pred: pair.pred, gt: pair.gt, shape: gt.shape, spacing: gt.spacing, ...metrics };
}

async function evaluateSet(predDir: string, gtDir: string, gridTolerance: number, showProgress: boolean) {
  const [predFiles, gtFiles] = await Promise.all([listNiftiFiles(predDir), listNiftiFiles(gtDir)]);
  const pairing = pairByCaseId(predFiles, gtFiles, { predDir, gtDir });
  if (pairing.pairs.length === 0) {
    throw new CasePairingError(
      `no case is in both folders: ${predFiles.length} prediction file(s) in ${predDir}, ${gtFiles.length} ` +
        `ground-truth file(s) in ${gtDir}; expected files named by case id (sub-<label>… or identical names)`,
    );
  }
  const progress = new ProgressBar({ label: 'evaluate', total: pairing.pairs.length, silent: !showProgress });
  const cases: EvaluatedCase[] = [];
  // One case at a time: a case holds two full volumes, and the folders can hold hundreds.
  for (const pair of pairing.pairs) {
    cases.push(await evaluatePair(pair, gridTolerance));
    progress.tick(1, pair.caseId);
  }
  const result: SetEvaluation = {
    mode: 'set',
    threshold: MASK_THRESHOLD,
    predDir,
    gtDir,
    cases,
    summary: summarizeCases(cases),
    unmatched: { predOnly: pairing.predOnly, gtOnly: pairing.gtOnly },
  };
  return result;
}

/** `fedstroke evaluate` without the printing: what the command computes, for the CLI and for tests. */
export async function runEvaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  const tolerance = options.gridTolerance ?? DEFAULT_GRID_TOLERANCE;
  if (!(tolerance >= 0)) {
    throw new InvalidArgumentError(`--grid-tolerance must be a number >= 0, got ${options.gridTolerance}`);
  }
  if ('predDir' in options) {
    return evaluateSet(options.predDir, options.gtDir, tolerance, options.showProgress ?? false);
  }
  const evaluated = await evaluatePair({ caseId: caseIdOf(options.gt), pred: options.pred, gt: options.gt }, tolerance);
  return { mode: 'pair', threshold: MASK_THRESHOLD, case: evaluated };
}
