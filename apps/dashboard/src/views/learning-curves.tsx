/** uPlot charts of the learning curves, each with its numbers in a table for keyboard and screen-reader users. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { formatNumber } from '../format';
import type { RoundFieldsFragment } from '../graphql/generated';
import { type CurveData, CURVES, type CurveSpec, learningCurve, roundsWithValues } from '../live/learning-curve';
import { OKABE_ITO, SERIES_COLOURS, SERIES_DASHES } from '../palette';

const HEIGHT = 260;

function options(spec: CurveSpec, curve: CurveData, width: number): uPlot.Options {
  let site = 0;
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: false } },
    // Rounds are whole numbers: ticks only on them.
    axes: [
      { label: spec.scoresReceivedModel ? 'model of round' : 'round', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] },
      { label: spec.axis },
    ],
    series: [
      { label: 'round' },
      ...curve.series.map((s): uPlot.Series => {
        const i = s.weighted ? -1 : site++;
        return {
          label: s.label,
          stroke: s.weighted ? OKABE_ITO.black : SERIES_COLOURS[i % SERIES_COLOURS.length],
          width: s.weighted ? 3 : 2,
          dash: s.weighted ? [] : SERIES_DASHES[i % SERIES_DASHES.length],
          spanGaps: true,
          points: { show: true, size: 6 },
          value: (_u, v) => formatNumber(v, 4),
        };
      }),
    ],
  };
}

function CurveChart({ spec, curve }: { spec: CurveSpec; curve: CurveData }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = curve.series.map((s) => s.label).join('|');
  const data = [curve.rounds, ...curve.series.map((s) => s.values)] as uPlot.AlignedData;
  const rows = roundsWithValues(curve);

  useEffect(() => {
    const element = host.current;
    if (!element || rows.length === 0) return;
    const created = new uPlot(options(spec, curve, element.clientWidth || 600), data, element);
    plot.current = created;
    const resize = new ResizeObserver(() => created.setSize({ width: element.clientWidth || 600, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      created.destroy();
      plot.current = null;
    };
  }, [shape, rows.length === 0]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [curve]);

  return (
    <figure id={`curve-${spec.metric}`} data-points={rows.length}>
      <figcaption>
        <strong>{spec.title}</strong>{' '}
        {spec.scoresReceivedModel
          ? 'of the model each round produced, as each site scored it on receiving it, and all sites weighted by their samples (black)'
          : 'per round: each site, and all sites weighted by their samples (black)'}
      </figcaption>
      {rows.length === 0 ? (
        <p class="muted">{spec.empty ?? 'No completed round has reported it yet.'}</p>
      ) : (
        <div
          ref={host}
          class="chart"
          role="img"
          aria-label={`${spec.title} by round; the table below has the numbers`}
        />
      )}
      <details>
        <summary>The numbers</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{spec.scoresReceivedModel ? 'Model of round' : 'Round'}</th>
              {curve.series.map((s) => (
                <th scope="col" class="num" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((index) => {
              const i = curve.rounds.indexOf(index);
              return (
                <tr key={index}>
                  <th scope="row">{index}</th>
                  {curve.series.map((s) => (
                    <td class="num" key={s.label}>
                      {formatNumber(s.values[i], 4)}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export function LearningCurves({
  rounds,
  siteName,
}: {
  rounds: RoundFieldsFragment[];
  siteName: (id: string) => string;
}) {
  return (
    <section class="panel" aria-labelledby="curves-title">
      <h3 id="curves-title">Learning curves</h3>
      <div class="grid">
        {CURVES.map((spec) => (
          <CurveChart key={spec.metric} spec={spec} curve={learningCurve(rounds, spec, siteName)} />
        ))}
      </div>
    </section>
  );
}
