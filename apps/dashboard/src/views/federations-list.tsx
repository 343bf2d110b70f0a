import { useEffect, useState } from 'preact/hooks';
import type { ApiProblem } from '../api/plain-errors';
import { useSession } from '../api/session';
import { ProblemBox } from '../components/problem-box';
import { StatusBadge } from '../components/status-badge';
import { TimeText } from '../components/time-text';
import { allPages, useLoad } from '../components/use-load';
import { FederationsDocument, type FederationSummaryFragment, RoundProgressDocument } from '../graphql/generated';
import { href } from '../router';

/** Federations that can still change: followed live. */
export const ACTIVE_STATUSES = new Set(['CREATED', 'RUNNING', 'PAUSED']);

export function RoundProgressText({ federation }: { federation: FederationSummaryFragment }) {
  const index = federation.currentRound?.index ?? 0;
  const total = federation.config.rounds;
  return (
    <span>
      <progress max={total} value={index} aria-label={`round ${index} of ${total}`} /> round {index} of {total}
    </span>
  );
}

export function FederationsList() {
  const { api } = useSession();
  const list = useLoad(
    () => allPages((offset) => api.request(FederationsDocument, { offset }).then((d) => d.federations)),
    [],
  );
  const [liveProblem, setLiveProblem] = useState<ApiProblem | null>(null);
  const active = (list.data ?? []).filter((f) => ACTIVE_STATUSES.has(f.status)).map((f) => f.id);

  useEffect(() => {
    const stops = active.map((federationId) =>
      api.subscribe(
        RoundProgressDocument,
        { federationId },
        {
          next: ({ roundProgress: p }) =>
            list.set((items) =>
              (items ?? []).map((f) =>
                f.id !== federationId
                  ? f
                  : {
                      ...f,
                      status: p.federationStatus,
                      currentRound: p.round
                        ? { id: p.round.id, index: p.round.index, status: p.round.status }
                        : f.currentRound,
                    },
              ),
            ),
          error: setLiveProblem,
        },
      ),
    );
    return () => stops.forEach((stop) => stop());
  }, [active.join(',')]);

  return (
    <>
      <h2>Federations</h2>
      <div class="actions">
        <button type="button" onClick={list.reload} disabled={list.loading}>
          Reload the list
        </button>
        <span class="muted">Running federations update live.</span>
      </div>
      <ProblemBox problem={list.problem} title="The federations could not be loaded." />
      <ProblemBox problem={liveProblem} title="Live updates stopped." />
      {list.data && list.data.length === 0 && <p>No federation yet. An administrator creates one over the API.</p>}
      {list.data && list.data.length > 0 && (
        <table id="federations">
          <caption class="muted">{list.data.length} federation(s), newest last</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Strategy</th>
              <th scope="col">Progress</th>
              <th scope="col" class="num">
                Sites per round
              </th>
              <th scope="col">Started</th>
              <th scope="col">Ended</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((f) => (
              <tr key={f.id} data-federation={f.name}>
                <th scope="row">
                  <a href={href.federation(f.id)}>{f.name}</a>
                </th>
                <td>
                  <StatusBadge status={f.status} />
                  {f.statusReason && <div class="muted">{f.statusReason}</div>}
                </td>
                <td>{f.config.strategy}</td>
                <td>
                  <RoundProgressText federation={f} />
                </td>
                <td class="num">{f.config.sitesPerRound}</td>
                <td>
                  <TimeText value={f.startedAt} />
                </td>
                <td>
                  <TimeText value={f.endedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
