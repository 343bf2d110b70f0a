/** Start, pause, resume and cancel: rendered for the admin role only (the coordinator refuses anyone else anyway). */
import { useState } from 'preact/hooks';
import { type ApiProblem, asProblem } from '../api/plain-errors';
import { useSession } from '../api/session';
import { ConfirmButton } from '../components/confirm-button';
import { ProblemBox } from '../components/problem-box';
import {
  CancelFederationDocument,
  type FederationControlledFragment,
  type FederationStatus,
  PauseFederationDocument,
  ResumeFederationDocument,
  StartFederationDocument,
} from '../graphql/generated';
import { ACTIVE_STATUSES } from './federations-list';

export function AdminControls(props: {
  federationId: string;
  status: FederationStatus;
  onStatus: (status: FederationStatus) => void;
}) {
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState('');
  const id = props.federationId;

  const run = async (what: string, call: () => Promise<FederationControlledFragment>) => {
    setBusy(true);
    setProblem(null);
    setDone('');
    try {
      const federation = await call();
      props.onStatus(federation.status);
      setDone(`${what}: the federation is now ${federation.status.toLowerCase()}.`);
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="admin-title" id="admin-controls">
      <h3 id="admin-title">Administration</h3>
      <div class="actions">
        {props.status === 'CREATED' && (
          <button
            type="button"
            class="primary"
            data-action="start"
            disabled={busy}
            onClick={() =>
              run('Started', () => api.request(StartFederationDocument, { id }).then((d) => d.startFederation))
            }
          >
            Start
          </button>
        )}
        {props.status === 'RUNNING' && (
          <button
            type="button"
            data-action="pause"
            disabled={busy}
            onClick={() =>
              run('Paused', () =>
                api
                  .request(PauseFederationDocument, { id, reason: 'paused from the dashboard' })
                  .then((d) => d.pauseFederation),
              )
            }
          >
            Pause
          </button>
        )}
        {props.status === 'PAUSED' && (
          <button
            type="button"
            class="primary"
            data-action="resume"
            disabled={busy}
            onClick={() =>
              run('Resumed', () => api.request(ResumeFederationDocument, { id }).then((d) => d.resumeFederation))
            }
          >
            Resume
          </button>
        )}
        {ACTIVE_STATUSES.has(props.status) && (
          <ConfirmButton
            label="Cancel the federation…"
            question="Cancel this federation? Its open round is cancelled, and a cancelled federation cannot be started again."
            confirmLabel="Yes, cancel it"
            action="cancel"
            withReason
            busy={busy}
            onConfirm={(reason) =>
              run('Cancelled', () =>
                api.request(CancelFederationDocument, { id, reason }).then((d) => d.cancelFederation),
              )
            }
          />
        )}
        {!ACTIVE_STATUSES.has(props.status) && <span class="muted">The federation has ended: nothing to control.</span>}
      </div>
      <p role="status">{done}</p>
      <ProblemBox problem={problem} title="That did not work." />
    </section>
  );
}
