/**
 * The report's "Quality as the study sees it" section: the approaches side by side (Dice, shares above 0.8 and
 * below 0.5, lesion-wise F1, ALD), Dice by lesion-volume class and by center, and Dice against lesion volume.
 */
import type { Summary } from '@fedstroke/metrics';
import { VOLUME_CLASSES, type ApproachQuality, type GroupQuality, type StudyQuality } from '../quality/study-quality';
import type { SimulationReport } from '../run-report';
import { scatterChartSvg } from '../svg/scatter-chart';
import { htmlTable } from './html-table';

const meanSd = (s: Summary | null, digits = 3) => (s ? `${s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)}` : '');
const percent = (share: number | null) => (share === null ? '' : `${(100 * share).toFixed(0)}%`);

function groupCells(g: GroupQuality): string[] {
  return [
    String(g.n),
    meanSd(g.dice),
    g.dice ? g.dice.median.toFixed(3) : '',
    percent(g.shareDiceAbove08),
    percent(g.shareDiceBelow05),
    meanSd(g.lesionF1),
    meanSd(g.ald, 2),
  ];
}

const GROUP_COLUMNS = ['n', 'Dice mean ± sd', 'median', '>0.8', '<0.5', 'lesion F1', 'ALD'];

/** One column per approach kind (local-only models pooled), one row per figure the study compares. */
export function sideBySideTable(quality: StudyQuality): string {
  const kinds = quality.byKind;
  const row = (label: string, cell: (a: ApproachQuality) => string) => [label, ...kinds.map(cell)];
  const rows = [
    row('test cases', (a) => String(a.overall.n)),
    row('Dice mean ± sd', (a) => meanSd(a.overall.dice)),
    row('Dice median', (a) => (a.overall.dice ? a.overall.dice.median.toFixed(3) : '')),
    row('share Dice > 0.8', (a) => percent(a.overall.shareDiceAbove08)),
    row('share Dice < 0.5', (a) => percent(a.overall.shareDiceBelow05)),
    row('lesion-wise F1 mean ± sd', (a) => meanSd(a.overall.lesionF1)),
    row('ALD mean ± sd', (a) => meanSd(a.overall.ald, 2)),
    ...VOLUME_CLASSES.map((c, i) =>
      row(`Dice ${c.label}`, (a) => {
        const g = a.byVolume[i];
        return g.dice ? `${g.dice.mean.toFixed(3)} (n=${g.n})` : `n=0`;
      }),
    ),
  ];
  return htmlTable(['figure', ...kinds.map((a) => a.name)], rows, 'side-by-side');
}

function breakdownTable(quality: StudyQuality, pick: (a: ApproachQuality) => GroupQuality[], by: string): string {
  const rows = quality.approaches.flatMap((a) => pick(a).map((g) => [a.name, g.group, ...groupCells(g)]));
  return htmlTable(['model', by, ...GROUP_COLUMNS], rows, `by-${by.replace(/\W+/g, '-')}`);
}

/** Per-case test Dice against the case's lesion volume (log axis), one series per approach kind. */
export function diceVolumeChart(report: SimulationReport, quality: StudyQuality): string {
  const series = quality.byKind.map((kind) => ({
    name: kind.name,
    points: report.approaches
      .filter((a) => a.kind === kind.kind)
      .flatMap((a) => a.test.cases.map((c) => ({ x: c.gtVolumeMl, y: c.dice, label: `${a.name} ${c.id}` }))),
  }));
  return scatterChartSvg(series, {
    title: 'Test Dice against lesion volume',
    xLabel: 'ground-truth lesion volume (mL, log scale)',
    yLabel: 'Dice',
    xLog: true,
    yDomain: [0, 1],
    guides: [1, 10],
    width: 560,
  });
}

export function qualitySection(report: SimulationReport, quality: StudyQuality): string {
  const byCenter =
    quality.centers.length > 0
      ? `<h3>Dice by center</h3>\n${breakdownTable(quality, (a) => a.byCenter, 'center')}`
      : '<p>No case-to-center map for this data, so no breakdown by center.</p>';
  return `<h2>Quality as the study sees it (independent test set)</h2>
<p>Lesion volume classes use each case's ground-truth volume (all its lesions): under 1 mL, 1-10 mL, over 10 mL. Shares count Dice strictly above 0.8 and below 0.5. Local-only models are pooled (each test case once per model).</p>
${sideBySideTable(quality)}
<div class="figures">${diceVolumeChart(report, quality)}</div>
<h3>Dice by lesion volume</h3>
${breakdownTable(quality, (a) => a.byVolume, 'lesion volume')}
${byCenter}`;
}
