import type { ApiProblem } from '../api/plain-errors';

/** A failure in plain words, announced to screen readers; the coordinator's own message below it. */
export function ProblemBox({ problem, title }: { problem: ApiProblem | null; title?: string }) {
  if (!problem) return null;
  return (
    <div class="problem" role="alert" data-problem={problem.kind}>
      <p>
        <strong>{title ?? 'Something went wrong.'}</strong> {problem.message}
      </p>
      {problem.detail && <p class="detail">Coordinator: {problem.detail}</p>}
    </div>
  );
}
