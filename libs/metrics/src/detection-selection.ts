/**
 * Choosing the lesion-detection settings (probability threshold, smallest lesion kept) on the sites' validation
 * splits, after Flower's `aggregate_evaluate`: each site scores the global model at every candidate of a grid on
 * its own validation cases and reports the per-candidate means with its case count as update metrics; the
 * coordinator pools them (case-weighted, so every validation case counts once) and picks the candidate with the
 * highest mean Dice + mean lesion-wise F1. Ties go to the candidate nearest the plain defaults (threshold 0.5, no
 * minimum size). Only these figures leave a site: means over its cases, no per-case numbers.
 */
import { InvalidArgumentError } from '@fedstroke/common';

export interface DetectionGrid {
  thresholds: readonly number[];
  /** Smallest lesion (26-connected voxels) kept; 0 keeps all. */
  minLesionVoxels: readonly number[];
}

export interface DetectionSettings {
  threshold: number;
  minLesionVoxels: number;
}

/** Per-candidate means over a set of validation cases. */
export interface DetectionFigures {
  dice: number;
  lesionF1: number;
  ald: number;
}

export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = { threshold: 0.5, minLesionVoxels: 0 };

/** The model-version metrics that carry chosen settings; inference applies them unless the caller says otherwise. */
export const DETECTION_SETTINGS_METRICS = {
  threshold: 'detectionThreshold',
  minLesionVoxels: 'detectionMinLesionVoxels',
} as const;

/** The settings recorded in a model version's metrics, or null when it records none (or nonsense). */
export function recordedDetectionSettings(metrics: Readonly<Record<string, number>>): DetectionSettings | null {
  const threshold = metrics[DETECTION_SETTINGS_METRICS.threshold];
  const minLesionVoxels = metrics[DETECTION_SETTINGS_METRICS.minLesionVoxels];
  if (!(threshold > 0 && threshold < 1) || !Number.isInteger(minLesionVoxels) || minLesionVoxels < 0) return null;
  return { threshold, minLesionVoxels };
}

/** Thresholds around 0.5 and lesion sizes from none to ~0.6 mL at 2 mm voxels (the smallest true foci are ~10). */
export const DEFAULT_DETECTION_GRID: DetectionGrid = {
  thresholds: [0.3, 0.4, 0.5, 0.6, 0.7],
  minLesionVoxels: [0, 5, 10, 20, 40, 80],
};

const PREFIX = 'detect';
const FIGURES = ['dice', 'lesionF1', 'ald'] as const;
/** The metric carrying the number of validation cases behind a site's figures. */
export const DETECTION_CASES_METRIC = `${PREFIX}:cases`;

export function assertDetectionGrid(grid: DetectionGrid, source = 'detection grid'): void {
  if (grid.thresholds.length === 0 || grid.minLesionVoxels.length === 0) {
    throw new InvalidArgumentError(`${source}: needs at least one threshold and one minimum lesion size`);
  }
  for (const t of grid.thresholds) {
    if (!(t > 0 && t < 1)) throw new InvalidArgumentError(`${source}: threshold ${t} must be in (0, 1)`);
  }
  for (const m of grid.minLesionVoxels) {
    if (!Number.isInteger(m) || m < 0 || m > 1_000_000) {
      throw new InvalidArgumentError(`${source}: minimum lesion size ${m} must be an integer voxel count in [0, 1e6]`);
    }
  }
}

export function gridCandidates(grid: DetectionGrid): DetectionSettings[] {
  return grid.thresholds.flatMap((threshold) =>
    grid.minLesionVoxels.map((minLesionVoxels) => ({ threshold, minLesionVoxels })),
  );
}

/** The update-metric name of one figure of one candidate, e.g. "detect:t0.45:m20:lesionF1". */
export function detectionMetricName(candidate: DetectionSettings, figure: keyof DetectionFigures): string {
  return `${PREFIX}:t${candidate.threshold}:m${candidate.minLesionVoxels}:${figure}`;
}

export function isDetectionMetric(name: string): boolean {
  return name.startsWith(`${PREFIX}:`);
}

/** A site's report: every candidate's figures and the case count, as flat update metrics. */
export function detectionReport(
  figures: ReadonlyArray<{ candidate: DetectionSettings; figures: DetectionFigures }>,
  cases: number,
): Record<string, number> {
  const metrics: Record<string, number> = { [DETECTION_CASES_METRIC]: cases };
  for (const { candidate, figures: f } of figures) {
    for (const figure of FIGURES) metrics[detectionMetricName(candidate, figure)] = f[figure];
  }
  return metrics;
}

export interface DetectionChoice extends DetectionSettings {
  /** Pooled validation figures of the chosen candidate and of the defaults, over `cases` cases from `sites` sites. */
  chosen: DetectionFigures;
  defaults: DetectionFigures | null;
  cases: number;
  sites: number;
}

/**
 * The candidate with the highest pooled mean Dice + lesion F1 over the sites that reported every candidate of the
 * grid (a site with a partial report is left out rather than guessed); null when no site reported.
 */
export function selectDetectionSettings(
  reports: ReadonlyArray<Readonly<Record<string, number>>>,
  grid: DetectionGrid = DEFAULT_DETECTION_GRID,
): DetectionChoice | null {
  assertDetectionGrid(grid);
  const candidates = gridCandidates(grid);
  const complete = reports.filter(
    (r) =>
      (r[DETECTION_CASES_METRIC] ?? 0) > 0 &&
      candidates.every((c) => FIGURES.every((f) => Number.isFinite(r[detectionMetricName(c, f)]))),
  );
  if (complete.length === 0) return null;
  const cases = complete.reduce((sum, r) => sum + r[DETECTION_CASES_METRIC], 0);
  const pooled = (c: DetectionSettings): DetectionFigures => {
    const mean = (figure: keyof DetectionFigures) =>
      complete.reduce((sum, r) => sum + r[detectionMetricName(c, figure)] * r[DETECTION_CASES_METRIC], 0) / cases;
    return { dice: mean('dice'), lesionF1: mean('lesionF1'), ald: mean('ald') };
  };
  const distance = (c: DetectionSettings) =>
    Math.abs(c.threshold - DEFAULT_DETECTION_SETTINGS.threshold) + c.minLesionVoxels * 1e-6;
  let best: { candidate: DetectionSettings; figures: DetectionFigures; score: number } | null = null;
  for (const candidate of candidates) {
    const figures = pooled(candidate);
    const score = figures.dice + figures.lesionF1;
    const better =
      best === null ||
      score > best.score + 1e-12 ||
      (Math.abs(score - best.score) <= 1e-12 && distance(candidate) < distance(best.candidate));
    if (better) best = { candidate, figures, score };
  }
  const chosen = best as NonNullable<typeof best>;
  const hasDefaults = candidates.some(
    (c) =>
      c.threshold === DEFAULT_DETECTION_SETTINGS.threshold &&
      c.minLesionVoxels === DEFAULT_DETECTION_SETTINGS.minLesionVoxels,
  );
  return {
    ...chosen.candidate,
    chosen: chosen.figures,
    defaults: hasDefaults ? pooled(DEFAULT_DETECTION_SETTINGS) : null,
    cases,
    sites: complete.length,
  };
}
