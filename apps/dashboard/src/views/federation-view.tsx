/**
 * One federation, live: status and round counter, admin controls (admin only), configuration and privacy, learning
 * curves, rounds with their participants, model versions and the event log. The rounds move with the roundProgress
 * subscription; model versions reload when an event says a round completed, the federation's facts when its status
 * changes. Nothing here runs on a timer.
 */
import { useEffect } from 'preact/hooks';
import type { ConnectionState } from '../api/api-client';
import { canAdminister, useSession } from '../api/session';
import { ProblemBox } from '../components/problem-box';
import { StatusBadge } from '../components/status-badge';
import { TimeText } from '../components/time-text';
import { allPages, useLoad } from '../components/use-load';
import { formatNumber } from '../format';
import { FederationDetailDocument, ModelVersionsDocument, SitesDocument } from '../graphql/generated';
import { completedRounds, currentRound } from '../live/federation-state';
import { useFederationLive } from '../live/use-federation-live';
import { AdminControls } from './admin-controls';
import { LearningCurves } from './learning-curves';
import { ModelVersions } from './model-versions';
import { ServingPanel } from './serving-panel';
import { PrivacyPanel } from './privacy-panel';
import { RoundsTable } from './rounds-table';

function LiveIndicator({ connection }: { connection: ConnectionState }) {
  const text = {
    idle: 'not following',
    connecting: 'connecting…',
    live: 'live: updates as the coordinator reports them',
    lost: 'not live: reconnecting',
  }[connection.kind];
  return (
    <p class="live" id="live-state" data-connection={connection.kind}>
      <span aria-hidden="true">{connection.kind === 'live' ? '● ' : '○ '}</span>
      {text}
    </p>
  );
}

export function FederationView({ id }: { id: string }) {
  const { api, role } = useSession();
  const detail = useLoad(() => api.request(FederationDetailDocument, { id }).then((d) => d.federation), [id]);
  const sites = useLoad(() => allPages((offset) => api.request(SitesDocument, { offset }).then((d) => d.sites)), []);
  const live = useFederationLive(id);
  const versions = useLoad(
    () =>
      allPages((offset) =>
        api.request(ModelVersionsDocument, { federationId: id, offset }).then((d) => d.modelVersions),
      ),
    [id],
  );
  // A completed round wrote a new model version: fetch the list again, once per completion event.
  useEffect(() => {
    if (live.completions > 0) versions.reload();
  }, [live.completions]);
  // A status change (started, paused, ended) moves the federation's times and reason: read it again, once.
  useEffect(() => {
    if (live.state.status && detail.data && live.state.status !== detail.data.status) detail.reload();
  }, [live.state.status]);

  const names = new Map((sites.data ?? []).map((s) => [s.id, s.name]));
  const siteName = (siteId: string) => names.get(siteId) ?? siteId.slice(0, 8);
  const federation = detail.data;
  if (!federation) {
    return detail.problem ? (
      <ProblemBox problem={detail.problem} title="This federation could not be loaded." />
    ) : (
      <p role="status">Loading…</p>
    );
  }
  const status = live.state.status ?? federation.status;
  const round = currentRound(live.state);
  const completed = completedRounds(live.state);
  const lastCompleted = [...live.state.rounds].reverse().find((r) => r.status === 'COMPLETED') ?? null;
  const config = federation.config;

  return (
    <>
      <h2>
        Federation {federation.name} <StatusBadge status={status} />
      </h2>
      <LiveIndicator connection={live.connection} />
      <ProblemBox problem={live.problem} title="Live progress stopped." />
      <ProblemBox problem={sites.problem} title="Site names could not be loaded." />
      <p id="round-counter" aria-live="polite" data-round={round?.index ?? 0} data-completed={completed}>
        Round <span class="counter">{round?.index ?? 0}</span> of {config.rounds}
        {round && (
          <>
            {' '}
            (<StatusBadge status={round.status} />)
          </>
        )}{' '}
        · {completed} completed{' '}
        <progress
          max={config.rounds}
          value={completed}
          aria-label={`${completed} of ${config.rounds} rounds completed`}
        />
      </p>
      {federation.statusReason && <p class="muted">Reason: {federation.statusReason}</p>}
      {canAdminister(role) && <AdminControls federationId={id} status={status} onStatus={live.setStatus} />}
      <div class="grid">
        <section class="panel" aria-labelledby="config-title">
          <h3 id="config-title">Configuration</h3>
          <dl class="facts">
            <dt>Strategy</dt>
            <dd>{config.strategy}</dd>
            <dt>Model</dt>
            <dd>
              {config.model.name} ({config.model.parameterCount.toLocaleString()} parameters)
            </dd>
            <dt>Sites per round / quorum</dt>
            <dd>
              {config.sitesPerRound} / {config.quorum} (at least {config.minUpdatesAtDeadline} at the deadline)
            </dd>
            <dt>Round deadline</dt>
            <dd>{config.deadlineSeconds} s</dd>
            <dt>Local training</dt>
            <dd>
              {config.localSteps} steps per round at learning rate {formatNumber(config.learningRate, 3)}
            </dd>
            <dt>Started / ended</dt>
            <dd>
              <TimeText value={federation.startedAt} /> / <TimeText value={federation.endedAt} />
            </dd>
          </dl>
        </section>
        <PrivacyPanel params={config.strategyParams} privacy={federation.privacy} lastCompleted={lastCompleted} />
      </div>
      <LearningCurves rounds={live.state.rounds} siteName={siteName} />
      <RoundsTable rounds={live.state.rounds} siteName={siteName} />
      {versions.data && <ModelVersions versions={versions.data} federationName={federation.name} />}
      {versions.data && <ServingPanel federationId={id} versions={versions.data} />}
      <ProblemBox problem={versions.problem} title="The model versions could not be loaded." />
      <section class="panel" aria-labelledby="events-title">
        <h3 id="events-title">Latest events</h3>
        {live.state.events.length === 0 ? (
          <p class="muted">No event since this page opened.</p>
        ) : (
          <ol class="events" id="events">
            {live.state.events.map((e, i) => (
              <li key={`${e.at}-${i}`}>
                <TimeText value={e.at} /> {e.event.replace(/_/g, ' ').toLowerCase()}
                {e.roundIndex !== null && ` (round ${e.roundIndex})`}
                {e.siteId && ` · ${siteName(e.siteId)}`}
                {e.message && ` · ${e.message}`}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
