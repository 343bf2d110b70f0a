/** One segmentation job: status (live while unfinished), timings, QC warnings, lesions, and the result in NiiVue. */
import { useState } from 'preact/hooks';
import type { ApiProblem } from '../api/plain-errors';
import { useSession } from '../api/session';
import { ProblemBox } from '../components/problem-box';
import { StatusBadge } from '../components/status-badge';
import { TimeText } from '../components/time-text';
import { useLoad } from '../components/use-load';
import { formatDuration, formatNumber } from '../format';
import { InferenceJobDocument } from '../graphql/generated';
import { useJobUpdates } from '../live/use-job-updates';
import { href } from '../router';
import { JobTimings } from './inference-jobs';
import { NiftiViewer } from './nifti-viewer';

const SHOWN_LESIONS = 15;

export function InferenceJobView({ id }: { id: string }) {
  const { api } = useSession();
  const job = useLoad(() => api.request(InferenceJobDocument, { id }).then((d) => d.inferenceJob), [id]);
  const [liveProblem, setLiveProblem] = useState<ApiProblem | null>(null);
  useJobUpdates(job.data ? [job.data] : [], (next) => job.set(() => next), setLiveProblem);
  const data = job.data;
  if (!data)
    return job.problem ? (
      <ProblemBox problem={job.problem} title="This job could not be loaded." />
    ) : (
      <p role="status">Loading…</p>
    );
  const result = data.result;
  return (
    <>
      <p>
        <a href={href.inference}>← all jobs</a>
      </p>
      <h2>
        Segmentation job <code>{data.id.slice(0, 8)}</code> <StatusBadge status={data.status} />
      </h2>
      <ProblemBox problem={liveProblem} title="Live job updates stopped." />
      {data.error && (
        <div class="problem">
          <p>
            <strong>{data.error.code}</strong>: {data.error.message}
          </p>
        </div>
      )}
      <div class="grid">
        <section class="panel" aria-labelledby="job-facts">
          <h3 id="job-facts">Job</h3>
          <dl class="facts">
            <dt>Submitted</dt>
            <dd>
              <TimeText value={data.createdAt} />
            </dd>
            <dt>Queue</dt>
            <dd>{data.queuePosition > 0 ? `place ${data.queuePosition}` : 'not waiting'}</dd>
            <dt>Timing</dt>
            <dd>
              <JobTimings job={data} />
            </dd>
            <dt>Model</dt>
            <dd>
              {data.modelConfig}, version <code>{data.modelVersionId.slice(0, 8)}</code>, sha256{' '}
              <code title={data.modelSha256}>{data.modelSha256.slice(0, 12)}…</code>
            </dd>
            <dt>Inputs</dt>
            <dd>{data.inputs.map((input) => `${input.role}: ${input.source}`).join('; ')}</dd>
            <dt>Results kept until</dt>
            <dd>
              <TimeText value={data.expiresAt} />
            </dd>
          </dl>
        </section>
        {result && (
          <section class="panel" aria-labelledby="job-result">
            <h3 id="job-result">Result</h3>
            <dl class="facts">
              <dt>Lesions</dt>
              <dd>
                {result.lesionCount}, {formatNumber(result.lesionVolumeMl, 3)} mL in all
              </dd>
              <dt>Grid (the DWI's)</dt>
              <dd>
                {result.grid.shape.join(' × ')} voxels of{' '}
                {result.grid.spacing.map((s) => formatNumber(s, 3)).join(' × ')} mm
              </dd>
              <dt>Timings</dt>
              <dd>
                load {formatDuration(result.timings.loadMs)}, preprocess {formatDuration(result.timings.preprocessMs)},
                inference {formatDuration(result.timings.inferenceMs)}, postprocess{' '}
                {formatDuration(result.timings.postprocessMs)}; total {formatDuration(result.timings.totalMs)}
              </dd>
            </dl>
            <h4>Quality-control warnings</h4>
            {result.qcWarnings.length === 0 ? (
              <p>None.</p>
            ) : (
              <ul id="qc-warnings">
                {result.qcWarnings.map((w) => (
                  <li key={w.code}>
                    <strong>{w.code}</strong>: {w.message}
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
      </div>
      {data.status === 'SUCCEEDED' && result && data.dwiDownloadPath && data.maskDownloadPath && (
        <NiftiViewer
          dwiPath={data.dwiDownloadPath}
          maskPath={data.maskDownloadPath}
          shape={result.grid.shape}
          focusMm={result.lesions[0]?.centroidMm ?? null}
        />
      )}
      {result && result.lesions.length > 0 && (
        <section class="panel" aria-labelledby="lesions-title">
          <h3 id="lesions-title">Lesions, largest first</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col" class="num">
                  Volume (mL)
                </th>
                <th scope="col" class="num">
                  Voxels
                </th>
                <th scope="col">Centroid (mm, scanner RAS+)</th>
              </tr>
            </thead>
            <tbody>
              {result.lesions.slice(0, SHOWN_LESIONS).map((lesion, i) => (
                <tr key={i}>
                  <th scope="row">{i + 1}</th>
                  <td class="num">{formatNumber(lesion.volumeMl, 3)}</td>
                  <td class="num">{lesion.voxels}</td>
                  <td>{lesion.centroidMm.map((c) => c.toFixed(1)).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.lesions.length > SHOWN_LESIONS && (
            <p class="muted">…and {result.lesions.length - SHOWN_LESIONS} smaller ones.</p>
          )}
        </section>
      )}
    </>
  );
}
