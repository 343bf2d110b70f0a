import { useEffect } from 'preact/hooks';
import { useSession } from '../api/session';
import type { ApiProblem } from '../api/plain-errors';
import { InferenceJobUpdatedDocument, type JobFieldsFragment } from '../graphql/generated';

export const UNFINISHED_JOB_STATUSES = new Set(['QUEUED', 'RUNNING']);

/** Follows every unfinished job among `jobs` (inferenceJobUpdated) and hands each new state to `onJob`. */
export function useJobUpdates(
  jobs: readonly JobFieldsFragment[],
  onJob: (job: JobFieldsFragment) => void,
  onProblem: (problem: ApiProblem) => void,
): void {
  const { api } = useSession();
  const unfinished = jobs.filter((j) => UNFINISHED_JOB_STATUSES.has(j.status)).map((j) => j.id);
  useEffect(() => {
    const stops = unfinished.map((id) =>
      api.subscribe(
        InferenceJobUpdatedDocument,
        { id },
        { next: (d) => onJob(d.inferenceJobUpdated), error: onProblem },
      ),
    );
    return () => stops.forEach((stop) => stop());
  }, [unfinished.join(',')]);
}
