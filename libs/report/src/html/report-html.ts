/**
 * `runs/<id>/report.html`: one self-contained page (inline SVG, PNG overlays as data URIs, no scripts, no network)
 * that a researcher can mail or archive with the run.
 */
import type { CaseSetSummary } from '@fedstroke/metrics';
import { SUMMARY_COLUMNS, summaryRows } from '../summary-table';
import { escapeXml } from '../svg/escape';
import type { ApproachResult, SimulationReport } from '../run-report';
import { htmlTable } from './html-table';
import { qualitySection } from './quality-section';
import { studyQuality, volumeClassOf } from '../quality/study-quality';
import {
  computeCurveChart,
  epsilonChart,
  privacyUtilityChart,
  roundDiceChart,
  roundLossChart,
  testDiceHistogram,
} from './report-charts';

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;font-size:.9rem}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}.figures{display:flex;flex-wrap:wrap;gap:1rem}
figure{margin:0}figcaption{font-size:.85rem;color:#555}.legend-gt{color:#00c853}.legend-pred{color:#e62828}code{background:#f3f3f3;padding:0 .2rem}`;

function summaryLine(s: CaseSetSummary): string[] {
  return [
    String(s.n),
    `${s.dice.mean.toFixed(3)} ± ${s.dice.sd.toFixed(3)}`,
    s.dice.median.toFixed(3),
    `${(100 * s.shareDiceAbove08).toFixed(0)}%`,
    `${(100 * s.shareDiceBelow05).toFixed(0)}%`,
    `${s.avdMl.mean.toFixed(2)} ± ${s.avdMl.sd.toFixed(2)}`,
    `${s.ald.mean.toFixed(2)} ± ${s.ald.sd.toFixed(2)}`,
    `${s.lesionF1.mean.toFixed(3)} ± ${s.lesionF1.sd.toFixed(3)}`,
  ];
}

const SET_COLUMNS = ['n', 'Dice mean ± sd', 'median', '>0.8', '<0.5', 'AVD mL', 'ALD', 'lesion F1'];

function perSiteTable(approaches: readonly ApproachResult[]): string {
  const rows = approaches.flatMap((a) => [
    ...a.validation.perSite.map((v) => [a.name, v.site, ...summaryLine(v.summary)]),
    [a.name, 'all sites', ...summaryLine(a.validation.pooled.summary)],
  ]);
  return htmlTable(['model', 'validation split', ...SET_COLUMNS], rows);
}

function overlays(a: ApproachResult): string {
  if (a.overlays.length === 0) return '';
  const figures = a.overlays
    .map((o) => {
      const src = o.pngBase64 ? `data:image/png;base64,${o.pngBase64}` : escapeXml(o.file);
      return `<figure><img src="${src}" alt="${escapeXml(`${o.role} case ${o.caseId}`)}" class="overlay" data-role="${o.role}"/><figcaption>${o.role}: ${escapeXml(o.caseId)}, Dice ${o.dice.toFixed(3)}, slice ${o.slice}</figcaption></figure>`;
    })
    .join('');
  return `<h3>${escapeXml(a.name)}</h3><div class="figures">${figures}</div>`;
}

function roundsTable(report: SimulationReport): string {
  const withEpsilon = report.rounds.some((r) => typeof r.privacy?.epsilon === 'number');
  const rows = report.rounds.map((r) => {
    const count = (status: string) => String(r.participants.filter((p) => p.status === status).length);
    const reasons = r.participants
      .filter((p) => p.rejectionReason)
      .map((p) => `${p.site}: ${p.rejectionReason}`)
      .join('; ');
    return [
      String(r.index),
      r.status,
      r.durationSeconds === null ? '' : r.durationSeconds.toFixed(1),
      count('ACCEPTED'),
      count('REJECTED'),
      String(r.participants.filter((p) => p.status === 'DROPPED' || p.status === 'FAILED').length),
      r.metrics.trainLoss === undefined ? '' : r.metrics.trainLoss.toFixed(4),
      r.metrics.valDice === undefined ? '' : r.metrics.valDice.toFixed(3),
      ...(withEpsilon ? [typeof r.privacy?.epsilon === 'number' ? r.privacy.epsilon.toFixed(3) : ''] : []),
      reasons,
    ];
  });
  return htmlTable(
    [
      'round',
      'status',
      'seconds',
      'accepted',
      'rejected',
      'dropped/failed',
      'train loss',
      'val Dice',
      ...(withEpsilon ? ['ε'] : []),
      'notes',
    ],
    rows,
  );
}

/** What protected the updates and what guarantee the final model carries, in the words a DPO reads. */
function privacyParagraph(report: SimulationReport): string {
  const privacy = report.profile.privacy;
  if (!privacy) return '';
  const parts: string[] = [];
  if (privacy.secureAggregation) {
    const { threshold, clipNorm } = privacy.secureAggregation;
    parts.push(
      `secure aggregation: each site clipped its update to L2 norm ${clipNorm} and sent it masked; the coordinator could unmask only the sum of at least ${threshold} sites`,
    );
  }
  const dp = privacy.differentialPrivacy;
  if (dp) {
    if (dp.clientNoiseMultiplier !== null)
      parts.push(
        `client-level DP-FedAvg with noise multiplier ${dp.clientNoiseMultiplier} at clip norm ${dp.clientClipNorm}`,
      );
    if (dp.sampleNoiseMultiplier !== null)
      parts.push(`sample-level DP-SGD with noise multiplier ${dp.sampleNoiseMultiplier}`);
    const eps = [
      privacy.epsilon === null ? null : `client-level ε = ${privacy.epsilon.toFixed(3)}`,
      privacy.sampleEpsilon === null ? null : `sample-level ε = ${privacy.sampleEpsilon.toFixed(3)}`,
    ].filter((e) => e !== null);
    parts.push(
      `the final model is (ε, δ)-differentially private with ${eps.join(' and ') || 'ε not yet accounted'} at δ = ${dp.delta}` +
        (dp.targetEpsilon === null ? '' : ` (budget ${dp.targetEpsilon})`),
    );
  }
  if (privacy.endedBy) parts.push(`the federation ended early: ${privacy.endedBy}`);
  const reference = report.privacyReference?.testDice;
  const federated = report.approaches.find((a) => a.kind === 'federated')?.test.summary.dice;
  if (reference && federated && report.privacyReference) {
    parts.push(
      `the same federation without DP (run ${report.privacyReference.runId}) reached test Dice ` +
        `${reference.mean.toFixed(3)} ± ${reference.sd.toFixed(3)}, against ${federated.mean.toFixed(3)} ± ${federated.sd.toFixed(3)} with DP`,
    );
  }
  return `<p>Privacy: ${escapeXml(parts.join('; '))}.</p>`;
}

function testCasesTable(report: SimulationReport): string {
  const { approaches } = report;
  const centers = report.data.caseCenters ?? {};
  const ids = [...new Set(approaches.flatMap((a) => a.test.cases.map((c) => c.id)))].sort();
  const rows = ids.map((id) => {
    const volume = approaches[0].test.cases.find((c) => c.id === id)?.gtVolumeMl ?? NaN;
    return [
      id,
      centers[id] ?? '',
      ...approaches.map((a) => {
        const c = a.test.cases.find((row) => row.id === id);
        return c ? c.dice.toFixed(3) : '';
      }),
      volume.toFixed(2),
      volumeClassOf(volume),
    ];
  });
  const header = ['test case', 'center', ...approaches.map((a) => `Dice ${a.name}`), 'GT volume mL', 'volume class'];
  return htmlTable(header, rows);
}

/** Where the final federated model is, and how to load it. */
function modelParagraph(report: SimulationReport): string {
  const m = report.model;
  if (!m) return '';
  return `<p>Final federated model (round ${m.roundIndex}, version <code>${escapeXml(m.modelVersionId)}</code>, sha256 <code>${escapeXml(m.sha256)}</code>): <a href="model/model.safetensors"><code>${escapeXml(m.weights)}</code></a> with <a href="model/manifest.json"><code>manifest.json</code></a>; it loads into the PyTorch reference with <code>load_state_dict(..., strict=True)</code> and into <code>fedstroke segment --model ${escapeXml(m.path)}</code>.</p>`;
}

export function renderReportHtml(report: SimulationReport): string {
  const p = report.profile;
  const sites = report.data.sites.map((s) => `${s.name} (${s.train} train, ${s.val} val)`).join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fedstroke run ${escapeXml(report.runId)}</title><style>${STYLE}</style></head>
<body>
<h1>fedstroke simulation ${escapeXml(report.runId)}</h1>
<p>${escapeXml(report.createdAt)} · ${report.wallTimeSeconds.toFixed(0)} s wall time · data <code>${escapeXml(report.data.dir)}</code>${report.data.synthetic ? ' (synthetic three-center set)' : ''}</p>
<p>Model <b>${escapeXml(p.modelConfig)}</b> (${p.parameterCount.toLocaleString('en')} parameters), ${escapeXml(p.strategy)}${p.proximalMu === undefined ? '' : ` (μ ${p.proximalMu})`}, ${p.rounds} rounds × ${p.localSteps} local steps × ${p.sites} sites = ${p.totalOptimizerSteps} optimizer steps per approach; batch ${p.batchSize} patches of ${p.patchSize.join('×')}, learning rate ${p.learningRate}${p.seed === undefined ? '' : `, seed ${p.seed}`}.</p>
<p>Sites: ${escapeXml(sites)}; independent test set: ${report.data.testCases} cases held out from every site. Federation <code>${escapeXml(report.federation.id)}</code> ended ${escapeXml(report.federation.status)} (GraphQL ${escapeXml(report.federation.graphqlUrl)}).</p>
${privacyParagraph(report)}
${modelParagraph(report)}
<h2>Summary</h2>
${htmlTable(SUMMARY_COLUMNS, summaryRows(report.approaches), 'summary')}
<h2>Learning curves</h2>
<div class="figures">${roundDiceChart(report)}${roundLossChart(report)}${computeCurveChart(report)}${epsilonChart(report)}${privacyUtilityChart(report)}</div>
<h2>Validation by site</h2>
${perSiteTable(report.approaches)}
<h2>Per-case Dice distribution</h2>
<div class="figures">${testDiceHistogram(report)}</div>
${qualitySection(report, studyQuality(report.approaches, report.data.caseCenters))}
<h2>Overlays: best, median and worst test cases</h2>
<p>DWI slice with the <span class="legend-gt">ground truth</span> and the <span class="legend-pred">prediction</span> contours.</p>
${report.approaches.map(overlays).join('\n')}
<h2>Rounds</h2>
${roundsTable(report)}
<h2>Test cases</h2>
${testCasesTable(report)}
</body></html>
`;
}
