/**
 * The reference study's view of segmentation quality: per-case test Dice broken down by lesion volume (under 1 mL,
 * 1-10 mL, over 10 mL: small lesions are the hard ones) and by center, the shares of cases above Dice 0.8 and below
 * 0.5 for each approach side by side, and the lesion-wise figures (F1, ALD). Pure functions over the case rows of a
 * SimulationReport; summary.json stores the result and report.html renders it.
 */
import { summarize, type Summary } from '@fedstroke/metrics';
import type { ApproachKind, ApproachResult, CaseRow } from '../run-report';

/** Lesion-volume classes of the reference study, by the ground-truth volume of the case (all its lesions). */
export const VOLUME_CLASSES = [
  { label: '< 1 mL', test: (ml: number) => ml < 1 },
  { label: '1-10 mL', test: (ml: number) => ml >= 1 && ml <= 10 },
  { label: '> 10 mL', test: (ml: number) => ml > 10 },
] as const;

export function volumeClassOf(gtVolumeMl: number): string {
  return (VOLUME_CLASSES.find((c) => c.test(gtVolumeMl)) ?? VOLUME_CLASSES[0]).label;
}

/** Figures of one group of cases (one volume class, one center, or a whole set). */
export interface GroupQuality {
  group: string;
  n: number;
  /** Null for an empty group: there is nothing to average. */
  dice: Summary | null;
  lesionF1: Summary | null;
  ald: Summary | null;
  /** Share (0..1) of the group's cases with Dice > 0.8 and < 0.5 (strictly, as the study counts them). */
  shareDiceAbove08: number | null;
  shareDiceBelow05: number | null;
}

/** One approach (a model, or all local-only models pooled) on the independent test set. */
export interface ApproachQuality {
  /** "federated", "centralized", "local-only center-1", or "local-only (3 models pooled)". */
  name: string;
  kind: ApproachKind;
  /** How many trained models the rows come from (the pooled local-only entry has one per site). */
  models: number;
  overall: GroupQuality;
  byVolume: GroupQuality[];
  byCenter: GroupQuality[];
}

export interface StudyQuality {
  set: 'test';
  volumeClasses: string[];
  centers: string[];
  /** Every approach as run, then one entry per kind (local-only models pooled), in the order federated,
   * centralized, local-only: the side-by-side comparison. */
  approaches: ApproachQuality[];
  byKind: ApproachQuality[];
}

const UNKNOWN_CENTER = 'unknown center';

export function groupQuality(group: string, rows: readonly CaseRow[]): GroupQuality {
  if (rows.length === 0)
    return { group, n: 0, dice: null, lesionF1: null, ald: null, shareDiceAbove08: null, shareDiceBelow05: null };
  const dice = rows.map((r) => r.dice);
  return {
    group,
    n: rows.length,
    dice: summarize(dice, `${group} Dice`),
    lesionF1: summarize(
      rows.map((r) => r.lesionF1),
      `${group} lesion F1`,
    ),
    ald: summarize(
      rows.map((r) => r.ald),
      `${group} ALD`,
    ),
    shareDiceAbove08: dice.filter((d) => d > 0.8).length / rows.length,
    shareDiceBelow05: dice.filter((d) => d < 0.5).length / rows.length,
  };
}

function approachQuality(
  name: string,
  kind: ApproachKind,
  models: number,
  rows: readonly CaseRow[],
  centers: readonly string[],
  centerOf: (id: string) => string,
): ApproachQuality {
  return {
    name,
    kind,
    models,
    overall: groupQuality('all', rows),
    byVolume: VOLUME_CLASSES.map((c) =>
      groupQuality(
        c.label,
        rows.filter((r) => c.test(r.gtVolumeMl)),
      ),
    ),
    byCenter: centers.map((center) =>
      groupQuality(
        center,
        rows.filter((r) => centerOf(r.id) === center),
      ),
    ),
  };
}

const KIND_ORDER: readonly ApproachKind[] = ['federated', 'centralized', 'local-only'];

/**
 * The study view of every approach's test cases. `caseCenters` maps case id → center (the synthetic set's site
 * map); cases it does not name count under "unknown center", and without it there is no center breakdown.
 */
export function studyQuality(
  approaches: readonly ApproachResult[],
  caseCenters: Readonly<Record<string, string>> = {},
): StudyQuality {
  const centerOf = (id: string) => caseCenters[id] ?? UNKNOWN_CENTER;
  const ids = new Set(approaches.flatMap((a) => a.test.cases.map((c) => c.id)));
  const named = [...new Set([...ids].map(centerOf))];
  const centers = Object.keys(caseCenters).length === 0 ? [] : named.sort();
  const perApproach = approaches.map((a) => approachQuality(a.name, a.kind, 1, a.test.cases, centers, centerOf));
  const byKind = KIND_ORDER.flatMap((kind) => {
    const members = approaches.filter((a) => a.kind === kind);
    if (members.length === 0) return [];
    if (members.length === 1) return [{ ...perApproach[approaches.indexOf(members[0])] }];
    const name = `${kind} (${members.length} models pooled)`;
    const rows = members.flatMap((a) => a.test.cases);
    return [approachQuality(name, kind, members.length, rows, centers, centerOf)];
  });
  return {
    set: 'test',
    volumeClasses: VOLUME_CLASSES.map((c) => c.label),
    centers,
    approaches: perApproach,
    byKind,
  };
}
