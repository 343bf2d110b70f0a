/**
 * Which model segmentStudy serves, and who chose it and why; for the admin role, serving a model version of this
 * federation and withdrawing the served one, each with the reason the serving audit keeps. A clinical integrator's
 * jobs use whatever this says, so a promotion is never a single click: it needs a version picked and a reason.
 */
import { useState } from 'preact/hooks';
import { type ApiProblem, asProblem } from '../api/plain-errors';
import { canAdminister, useSession } from '../api/session';
import { ProblemBox } from '../components/problem-box';
import { TimeText } from '../components/time-text';
import { useLoad } from '../components/use-load';
import { shortHash } from '../format';
import {
  PromoteModelVersionDocument,
  ServingModelDocument,
  type ServingModelFieldsFragment,
  WithdrawServingModelDocument,
} from '../graphql/generated';

export interface ServableVersion {
  id: string;
  roundIndex: number;
}

function describeServing(serving: ServingModelFieldsFragment, federationId: string) {
  const { modelVersion: version, promotion } = serving;
  const by =
    promotion.actor === 'ADMIN'
      ? `an administrator${promotion.actorName ? ` (${promotion.actorName})` : ''}`
      : 'the serving policy';
  return (
    <p id="serving-now" data-serving-version={version.id} data-serving-round={version.roundIndex}>
      Serving{' '}
      {version.federationId === federationId
        ? `round ${version.roundIndex} of this federation`
        : `round ${version.roundIndex} of another federation`}{' '}
      (sha256 <code title={version.sha256}>{shortHash(version.sha256)}</code>), promoted{' '}
      <TimeText value={promotion.at} /> by {by}: {promotion.reason}
    </p>
  );
}

export function ServingPanel({ federationId, versions }: { federationId: string; versions: ServableVersion[] }) {
  const { api, role } = useSession();
  const serving = useLoad(() => api.request(ServingModelDocument, {}).then((d) => d.servingModel ?? null), []);
  const trained = [...versions].filter((v) => v.roundIndex > 0).reverse();
  const [chosen, setChosen] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState('');
  const versionId = chosen || trained[0]?.id || '';

  const act = async (what: () => Promise<string>) => {
    setBusy(true);
    setProblem(null);
    setDone('');
    try {
      setDone(await what());
      setReason('');
      serving.reload();
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };
  const promote = () =>
    act(async () => {
      const answer = await api.request(PromoteModelVersionDocument, { id: versionId, reason: reason.trim() });
      return `Round ${answer.promoteModelVersion.modelVersion.roundIndex} is now the serving model.`;
    });
  const withdraw = () =>
    act(async () => {
      await api.request(WithdrawServingModelDocument, { reason: reason.trim() });
      return 'No model is served now: segmentStudy refuses until one is promoted.';
    });

  return (
    <section class="panel" aria-labelledby="serving-title" id="serving">
      <h3 id="serving-title">Serving</h3>
      {serving.data ? (
        describeServing(serving.data, federationId)
      ) : serving.loading ? (
        <p class="muted">Loading…</p>
      ) : (
        <p id="serving-now" data-serving-version="">
          No model is served: inference jobs are refused until an administrator promotes one.
        </p>
      )}
      <ProblemBox problem={serving.problem} title="The serving model could not be loaded." />
      {canAdminister(role) && (
        <form
          class="actions"
          onSubmit={(event) => {
            event.preventDefault();
            void promote();
          }}
        >
          <label for="serve-version">Model version</label>
          <select
            id="serve-version"
            value={versionId}
            disabled={trained.length === 0}
            onChange={(event) => setChosen(event.currentTarget.value)}
          >
            {trained.map((v) => (
              <option key={v.id} value={v.id}>
                round {v.roundIndex}
              </option>
            ))}
          </select>
          <label for="serve-reason">Reason (kept in the serving audit)</label>
          <input
            id="serve-reason"
            type="text"
            required
            value={reason}
            onInput={(event) => setReason(event.currentTarget.value)}
          />
          <button type="submit" class="primary" data-action="promote" disabled={busy || !versionId || !reason.trim()}>
            Serve this model
          </button>
          <button
            type="button"
            class="danger"
            data-action="withdraw"
            disabled={busy || !serving.data || !reason.trim()}
            onClick={() => void withdraw()}
          >
            Withdraw the serving model
          </button>
        </form>
      )}
      <p role="status" id="serving-done">
        {done}
      </p>
      <ProblemBox problem={problem} title="That did not work." />
    </section>
  );
}
