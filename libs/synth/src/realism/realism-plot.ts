/**
 * The realism figure: within-brain DWI and ADC histograms of the real case (black) against each synthetic center
 * and all centers pooled, drawn with the report's own line charts, two panels side by side.
 */
import { lineChartSvg, sideBySideSvg, type LineSeries } from '@fedstroke/report';
import type { IntensityHistogram } from './brain-histogram';
import type { RealismReport } from './realism-check';

function curve(h: IntensityHistogram): Array<{ x: number; y: number }> {
  const width = (h.range[1] - h.range[0]) / h.bins;
  return h.density.map((y, b) => ({ x: h.range[0] + (b + 0.5) * width, y: 100 * y }));
}

function panel(report: RealismReport, pick: 'dwi' | 'adc', title: string, xLabel: string): string {
  const series: LineSeries[] = report.synthetic.map((s) => ({
    name: `${s.label}: ${(s[pick === 'dwi' ? 'dwiOverlap' : 'adcOverlap'] * 100).toFixed(0)}% overlap`,
    points: curve(s[pick]),
    dashed: s.label !== 'all centers',
  }));
  series.push({ name: "real ISLES'22 case", points: curve(report.real[pick]), color: '#000000' });
  return lineChartSvg(series, { title, xLabel, yLabel: '% of brain voxels per bin', width: 520, height: 320 });
}

export function realismChartSvg(report: RealismReport): string {
  return sideBySideSvg([
    panel(report, 'dwi', 'DWI within the brain', 'DWI / brain median'),
    panel(report, 'adc', 'ADC within the brain', 'ADC (10^-3 mm²/s)'),
  ]);
}
