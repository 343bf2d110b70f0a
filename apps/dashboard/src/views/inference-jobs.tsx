/** The inference queue and its history, newest first; queued and running jobs update live. */
import { useState } from 'preact/hooks';
import type { ApiProblem } from '../api/plain-errors';
import { useSession } from '../api/session';
import { ProblemBox } from '../components/problem-box';
import { StatusBadge } from '../components/status-badge';
import { TimeText } from '../components/time-text';
import { allPages, useLoad } from '../components/use-load';
import { between, formatDuration, formatNumber } from '../format';
import { InferenceJobsDocument, type JobFieldsFragment } from '../graphql/generated';
import { useJobUpdates } from '../live/use-job-updates';
import { href } from '../router';

export function JobTimings({ job }: { job: JobFieldsFragment }) {
  return (
    <>
      waited {formatDuration(between(job.createdAt, job.startedAt))}, ran{' '}
      {formatDuration(between(job.startedAt, job.finishedAt))}
    </>
  );
}

export function InferenceJobs() {
  const { api } = useSession();
  const jobs = useLoad(
    () => allPages((offset) => api.request(InferenceJobsDocument, { offset }).then((d) => d.inferenceJobs)),
    [],
  );
  const [liveProblem, setLiveProblem] = useState<ApiProblem | null>(null);
  useJobUpdates(
    jobs.data ?? [],
    (job) => jobs.set((items) => (items ?? []).map((j) => (j.id === job.id ? job : j))),
    setLiveProblem,
  );
  const queued = (jobs.data ?? []).filter((j) => j.status === 'QUEUED').length;
  const running = (jobs.data ?? []).filter((j) => j.status === 'RUNNING').length;
  return (
    <>
      <h2>Inference jobs</h2>
      <div class="actions">
        <button type="button" onClick={jobs.reload} disabled={jobs.loading}>
          Reload
        </button>
        {jobs.data && (
          <span id="queue-summary">
            {running} running, {queued} waiting in the queue; queued and running jobs update live.
          </span>
        )}
      </div>
      <ProblemBox problem={jobs.problem} title="The jobs could not be loaded." />
      <ProblemBox problem={liveProblem} title="Live job updates stopped." />
      {jobs.data && jobs.data.length === 0 && <p>No segmentation job yet.</p>}
      {jobs.data && jobs.data.length > 0 && (
        <table id="inference-jobs">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Submitted</th>
              <th scope="col">Timing</th>
              <th scope="col">Model</th>
              <th scope="col" class="num">
                Lesions
              </th>
              <th scope="col" class="num">
                Volume (mL)
              </th>
              <th scope="col">QC warnings</th>
            </tr>
          </thead>
          <tbody>
            {jobs.data.map((job) => (
              <tr key={job.id} data-job={job.id}>
                <th scope="row">
                  <a href={href.inferenceJob(job.id)}>{job.id.slice(0, 8)}</a>
                </th>
                <td>
                  <StatusBadge status={job.status} />
                  {job.queuePosition > 0 && <div>place {job.queuePosition} in the queue</div>}
                  {job.error && <div class="muted">{job.error.code}</div>}
                </td>
                <td>
                  <TimeText value={job.createdAt} />
                </td>
                <td>
                  <JobTimings job={job} />
                </td>
                <td>
                  {job.modelConfig} <code title={job.modelSha256}>{job.modelSha256.slice(0, 8)}</code>
                </td>
                <td class="num">{job.result?.lesionCount ?? '—'}</td>
                <td class="num">{formatNumber(job.result?.lesionVolumeMl, 3)}</td>
                <td>{job.result ? job.result.qcWarnings.map((w) => w.code).join(', ') || 'none' : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
