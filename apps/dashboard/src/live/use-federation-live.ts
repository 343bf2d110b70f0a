/**
 * Follows one federation: its rounds loaded once, then moved by every roundProgress event (graphql-ws). There is no
 * timer: the page changes only when the coordinator pushes something. A reconnect brings a fresh SNAPSHOT.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConnectionState } from '../api/api-client';
import { type ApiProblem, asProblem } from '../api/plain-errors';
import { useSession } from '../api/session';
import { allPages } from '../components/use-load';
import { type FederationStatus, RoundProgressDocument, RoundsDocument } from '../graphql/generated';
import { applyProgress, EMPTY_LIVE, type FederationLive, mergeRounds } from './federation-state';

export interface FederationLiveView {
  state: FederationLive;
  connection: ConnectionState;
  problem: ApiProblem | null;
  /** ROUND_COMPLETED events seen: each one means a new model version. */
  completions: number;
  setStatus(status: FederationStatus): void;
}

export function useFederationLive(federationId: string): FederationLiveView {
  const { api } = useSession();
  const [state, setState] = useState<FederationLive>(EMPTY_LIVE);
  const [connection, setConnection] = useState<ConnectionState>({ kind: 'idle' });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [completions, setCompletions] = useState(0);

  useEffect(() => {
    setState(EMPTY_LIVE);
    setProblem(null);
    const stopWatching = api.onConnectionState(setConnection);
    const stop = api.subscribe(
      RoundProgressDocument,
      { federationId },
      {
        next: ({ roundProgress }) => {
          setState((current) => applyProgress(current, roundProgress));
          if (roundProgress.event === 'ROUND_COMPLETED') setCompletions((n) => n + 1);
        },
        error: setProblem,
      },
    );
    allPages((offset) => api.request(RoundsDocument, { federationId, offset }).then((d) => d.rounds)).then(
      (rounds) => setState((current) => mergeRounds(current, rounds)),
      (error: unknown) => setProblem(asProblem(error)),
    );
    return () => {
      stop();
      stopWatching();
    };
  }, [federationId]);

  return { state, connection, problem, completions, setStatus: (status) => setState((s) => ({ ...s, status })) };
}
