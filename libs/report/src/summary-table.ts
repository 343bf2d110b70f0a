/**
 * The table `fedstroke simulate` prints at the end: one row per approach and evaluation set, with the figures the
 * reference study reports (Dice mean ± sd, median, shares > 0.8 and < 0.5; AVD, ALD, lesion-wise F1).
 */
import type { CaseSetSummary } from '@fedstroke/metrics';
import type { StudyQuality } from './quality/study-quality';
import type { ApproachResult } from './run-report';

export const SUMMARY_COLUMNS = [
  'model',
  'set',
  'n',
  'Dice mean ± sd',
  'median',
  '>0.8',
  '<0.5',
  'AVD mL',
  'ALD',
  'lesion F1',
] as const;

export function summaryCells(name: string, set: string, s: CaseSetSummary): string[] {
  return [
    name,
    set,
    String(s.n),
    `${s.dice.mean.toFixed(3)} ± ${s.dice.sd.toFixed(3)}`,
    s.dice.median.toFixed(3),
    `${(100 * s.shareDiceAbove08).toFixed(0)}%`,
    `${(100 * s.shareDiceBelow05).toFixed(0)}%`,
    s.avdMl.mean.toFixed(2),
    s.ald.mean.toFixed(2),
    s.lesionF1.mean.toFixed(3),
  ];
}

/** Rows of every approach: pooled validation, then the independent test set. */
export function summaryRows(approaches: readonly ApproachResult[]): string[][] {
  return approaches.flatMap((a) => [
    summaryCells(a.name, 'validation', a.validation.pooled.summary),
    summaryCells(a.name, 'test', a.test.summary),
  ]);
}

/** Columns padded to their widest cell (text left, figures right), with a rule under the header. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((row) => /^[-+\d.±\s%]*$/.test(row[c] ?? '')));
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatSummaryTable(approaches: readonly ApproachResult[]): string {
  return formatTable(SUMMARY_COLUMNS, summaryRows(approaches));
}

/**
 * The study's side-by-side view on the test set, one row per approach kind (local-only models pooled): Dice per
 * lesion-volume class (with its case count), the shares above 0.8 and below 0.5, lesion-wise F1 and ALD.
 */
export function formatQualityTable(quality: StudyQuality): string {
  const header = [
    'approach',
    'n',
    ...quality.volumeClasses.map((c) => `Dice ${c}`),
    '>0.8',
    '<0.5',
    'lesion F1',
    'ALD',
  ];
  const rows = quality.byKind.map((a) => [
    a.name,
    String(a.overall.n),
    ...a.byVolume.map((g) => (g.dice ? `${g.dice.mean.toFixed(3)} (${g.n})` : '- (0)')),
    `${(100 * (a.overall.shareDiceAbove08 ?? 0)).toFixed(0)}%`,
    `${(100 * (a.overall.shareDiceBelow05 ?? 0)).toFixed(0)}%`,
    (a.overall.lesionF1?.mean ?? NaN).toFixed(3),
    (a.overall.ald?.mean ?? NaN).toFixed(2),
  ]);
  return formatTable(header, rows);
}
