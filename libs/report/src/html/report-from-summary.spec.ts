/**
 * The report rendered from a real `fedstroke simulate --baselines` summary.json (testing/simulate-summary.json, see
 * testing/README.md for the command that made it): the study's sections are there, and their figures are the
 * ones a reader computes by hand from the summary's per-case rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseRow, SimulationReport } from '../run-report';
import { studyQuality } from '../quality/study-quality';
import { renderReportHtml } from './report-html';

const summary = JSON.parse(
  readFileSync(join(__dirname, '..', 'testing', 'simulate-summary.json'), 'utf8'),
) as SimulationReport;
const html = renderReportHtml(summary);

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const share = (rows: CaseRow[], test: (dice: number) => boolean) =>
  `${((100 * rows.filter((r) => test(r.dice)).length) / rows.length).toFixed(0)}%`;
const rowsOf = (kind: string) => summary.approaches.filter((a) => a.kind === kind).flatMap((a) => a.test.cases);

/** The cells of the table row whose first cell is `label`, in the table with class `table`. */
function tableRow(table: string, label: string): string[] {
  const body = new RegExp(`<table class="${table}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const row = [...body.matchAll(/<tr>(.*?)<\/tr>/g)]
    .map((m) => [...m[1].matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map((c) => c[1]))
    .find((cells) => cells[0] === label);
  if (!row) throw new Error(`no row "${label}" in table ${table}`);
  return row;
}

describe('the report of a real simulate run', () => {
  it('comes from a run with federated, centralized and local-only models on a three-center test set', () => {
    expect(summary.approaches.map((a) => a.kind)).toEqual([
      'federated',
      'centralized',
      'local-only',
      'local-only',
      'local-only',
    ]);
    expect(new Set(Object.values(summary.data.caseCenters ?? {}))).toEqual(
      new Set(['center-1', 'center-2', 'center-3']),
    );
    const volumes = summary.approaches[0].test.cases.map((c) => c.gtVolumeMl);
    expect(volumes.some((v) => v < 1) && volumes.some((v) => v >= 1 && v <= 10) && volumes.some((v) => v > 10)).toBe(
      true,
    );
  });

  it('stores the study view in summary.json exactly as the report computes it', () => {
    expect(summary.quality).toEqual(
      JSON.parse(JSON.stringify(studyQuality(summary.approaches, summary.data.caseCenters))),
    );
  });

  it('puts the shares above 0.8 and below 0.5, lesion F1 and ALD of each approach side by side', () => {
    const header = tableRow('side-by-side', 'figure');
    expect(header).toEqual(['figure', 'federated', 'centralized', 'local-only (3 models pooled)']);
    const kinds = ['federated', 'centralized', 'local-only'].map(rowsOf);
    expect(tableRow('side-by-side', 'share Dice &gt; 0.8').slice(1)).toEqual(
      kinds.map((r) => share(r, (d) => d > 0.8)),
    );
    expect(tableRow('side-by-side', 'share Dice &lt; 0.5').slice(1)).toEqual(
      kinds.map((r) => share(r, (d) => d < 0.5)),
    );
    const f1 = tableRow('side-by-side', 'lesion-wise F1 mean ± sd').slice(1);
    const ald = tableRow('side-by-side', 'ALD mean ± sd').slice(1);
    kinds.forEach((rows, k) => {
      expect(f1[k].startsWith(mean(rows.map((r) => r.lesionF1)).toFixed(3))).toBe(true);
      expect(ald[k].startsWith(mean(rows.map((r) => r.ald)).toFixed(2))).toBe(true);
    });
    expect(kinds[2]).toHaveLength(3 * summary.data.testCases);
  });

  it('breaks test Dice down by lesion volume and by center with the right case counts and means', () => {
    const federated = rowsOf('federated');
    const classes: Array<[string, (v: number) => boolean]> = [
      ['&lt; 1 mL', (v) => v < 1],
      ['1-10 mL', (v) => v >= 1 && v <= 10],
      ['&gt; 10 mL', (v) => v > 10],
    ];
    const byVolume = new RegExp('<table class="by-lesion-volume">([\\s\\S]*?)</table>').exec(html)?.[1] ?? '';
    for (const [label, test] of classes) {
      const rows = federated.filter((r) => test(r.gtVolumeMl));
      const cell = `<td>federated</td><td>${label}</td><td class="num">${rows.length}</td>`;
      expect(byVolume).toContain(
        rows.length > 0 ? `${cell}<td class="num">${mean(rows.map((r) => r.dice)).toFixed(3)} ± ` : cell,
      );
    }
    const byCenter = new RegExp('<table class="by-center">([\\s\\S]*?)</table>').exec(html)?.[1] ?? '';
    const centers = summary.data.caseCenters ?? {};
    for (const center of ['center-1', 'center-2', 'center-3']) {
      const rows = federated.filter((r) => centers[r.id] === center);
      expect(rows.length).toBeGreaterThan(0);
      expect(byCenter).toContain(
        `<td>federated</td><td>${center}</td><td class="num">${rows.length}</td><td class="num">${mean(rows.map((r) => r.dice)).toFixed(3)} ± `,
      );
    }
  });

  it('plots Dice against lesion volume: one marker per test case of every model, at its volume and Dice', () => {
    const chart = /<svg [^>]*class="chart scatter-chart"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    const markers = [...chart.matchAll(/data-x="([^"]+)" data-y="([^"]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const expected = summary.approaches.flatMap((a) => a.test.cases.map((c) => [c.gtVolumeMl, c.dice]));
    expect(markers).toHaveLength(expected.length);
    expect(new Set(markers.map(String))).toEqual(new Set(expected.map(String)));
    expect(chart.match(/class="guide"/g)).toHaveLength(2); // 1 mL and 10 mL
  });
});
