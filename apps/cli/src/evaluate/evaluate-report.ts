import type { Summary } from '@fedstroke/metrics';
import type { EvaluatedCase, EvaluateResult, PairEvaluation, SetEvaluation } from './evaluate.service';

/** Columns padded to their widest cell: text left-aligned, numbers right-aligned. */
export function alignTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((row) => /^[-+\d.±\s%]*$/.test(row[c])));
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const fixed = (x: number, digits: number) => x.toFixed(digits);
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

function renderPair({ threshold, case: c }: PairEvaluation): string {
  const rows: Array<[string, string]> = [
    ['prediction', c.pred],
    ['ground truth', c.gt],
    [
      'grid',
      `${c.shape.join('x')} voxels of ${c.spacing.map((s) => +s.toFixed(4)).join('x')} mm, lesion where prediction > ${threshold}`,
    ],
    ['Dice', fixed(c.dice, 4)],
    ['AVD', `${fixed(c.avdMl, 3)} mL`],
    ['ALD', String(c.ald)],
    ['lesion F1', `${fixed(c.lesionF1, 4)} (TP ${c.tp}, FP ${c.fp}, FN ${c.fn})`],
    ['GT volume', `${fixed(c.gtVolumeMl, 3)} mL in ${c.gtLesions} lesion(s)`],
    ['pred volume', `${fixed(c.predVolumeMl, 3)} mL in ${c.predLesions} lesion(s)`],
  ];
  const width = Math.max(...rows.map(([key]) => key.length));
  return rows.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n');
}

function caseRow(c: EvaluatedCase): string[] {
  return [
    c.caseId,
    fixed(c.dice, 4),
    fixed(c.avdMl, 3),
    String(c.ald),
    fixed(c.lesionF1, 4),
    String(c.tp),
    String(c.fp),
    String(c.fn),
    fixed(c.gtVolumeMl, 3),
    fixed(c.predVolumeMl, 3),
  ];
}

function summaryRow(name: string, s: Summary, digits: number): string[] {
  return [
    name,
    `${fixed(s.mean, digits)} ± ${fixed(s.sd, digits)}`,
    fixed(s.median, digits),
    fixed(s.min, digits),
    fixed(s.max, digits),
  ];
}

function renderSet(result: SetEvaluation): string {
  const { summary, unmatched } = result;
  const header = ['case', 'Dice', 'AVD mL', 'ALD', 'F1', 'TP', 'FP', 'FN', 'GT mL', 'pred mL'];
  const parts = [
    alignTable(header, result.cases.map(caseRow)),
    '',
    `summary over ${summary.n} case(s), lesion where prediction > ${result.threshold}:`,
    alignTable(
      ['metric', 'mean ± sd', 'median', 'min', 'max'],
      [
        summaryRow('Dice', summary.dice, 4),
        summaryRow('AVD mL', summary.avdMl, 3),
        summaryRow('ALD', summary.ald, 2),
        summaryRow('lesion F1', summary.lesionF1, 4),
      ],
    ),
    `Dice > 0.8: ${percent(summary.shareDiceAbove08)} of cases; Dice < 0.5: ${percent(summary.shareDiceBelow05)}`,
  ];
  for (const path of unmatched.predOnly) parts.push(`WARNING: prediction without ground truth, not evaluated: ${path}`);
  for (const path of unmatched.gtOnly) parts.push(`WARNING: ground truth without prediction, not evaluated: ${path}`);
  return parts.join('\n');
}

/** The aligned, human-readable report. */
export function renderHuman(result: EvaluateResult): string {
  return result.mode === 'pair' ? renderPair(result) : renderSet(result);
}

const CSV_COLUMNS = [
  'caseId',
  'pred',
  'gt',
  'dice',
  'avdMl',
  'ald',
  'lesionF1',
  'tp',
  'fp',
  'fn',
  'gtVolumeMl',
  'predVolumeMl',
  'gtLesions',
  'predLesions',
] as const satisfies ReadonlyArray<keyof EvaluatedCase>;

/** RFC 4180 quoting: only cells with a comma, quote or line break are quoted. */
function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per evaluated case, full precision, for spreadsheets and notebooks. */
export function toCsv(cases: readonly EvaluatedCase[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const c of cases) lines.push(CSV_COLUMNS.map((column) => csvCell(c[column])).join(','));
  return `${lines.join('\n')}\n`;
}
