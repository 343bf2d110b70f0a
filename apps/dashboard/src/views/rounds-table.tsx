/** Rounds newest first; each opens onto its participants (status, samples, timing, bytes, reasons). */
import { between, formatBytes, formatDuration, formatNumber } from '../format';
import type { ParticipantFieldsFragment, RoundFieldsFragment } from '../graphql/generated';
import { StatusBadge } from '../components/status-badge';
import { TimeText } from '../components/time-text';

const metric = (p: ParticipantFieldsFragment, name: string) => p.metrics.find((m) => m.name === name)?.value ?? null;

export function ParticipantsTable({
  round,
  siteName,
}: {
  round: RoundFieldsFragment;
  siteName: (id: string) => string;
}) {
  if (round.participants.length === 0) return <p class="muted">No site has taken this round yet.</p>;
  return (
    <table class="participants" data-round={round.index}>
      <caption>Participants of round {round.index}</caption>
      <thead>
        <tr>
          <th scope="col">Site</th>
          <th scope="col">Status</th>
          <th scope="col" class="num">
            Samples
          </th>
          <th scope="col" class="num">
            Training time
          </th>
          <th scope="col" class="num">
            Assigned → answered
          </th>
          <th scope="col" class="num">
            Bytes received
          </th>
          <th scope="col" class="num">
            Training loss
          </th>
          <th scope="col" class="num">
            Validation Dice
          </th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {round.participants.map((p) => {
          const train = metric(p, 'trainSeconds');
          return (
            <tr key={p.id} data-site={siteName(p.siteId)}>
              <th scope="row">{siteName(p.siteId)}</th>
              <td>
                <StatusBadge status={p.status} />
              </td>
              <td class="num">{p.numSamples ?? '—'}</td>
              <td class="num">{formatDuration(train === null ? null : train * 1000)}</td>
              <td class="num">
                {p.status === 'ASSIGNED' ? 'training…' : formatDuration(between(p.assignedAt, p.updatedAt))}
              </td>
              <td class="num">{formatBytes(p.bytesReceived)}</td>
              <td class="num">{formatNumber(metric(p, 'trainLoss'), 4)}</td>
              <td class="num">{formatNumber(metric(p, 'valDice'), 4)}</td>
              <td>{p.rejectionReason ?? ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function RoundsTable({ rounds, siteName }: { rounds: RoundFieldsFragment[]; siteName: (id: string) => string }) {
  const newestFirst = [...rounds].reverse();
  return (
    <section class="panel" aria-labelledby="rounds-title">
      <h3 id="rounds-title">Rounds</h3>
      {newestFirst.length === 0 && <p class="muted">No round has opened yet.</p>}
      {newestFirst.map((round, i) => (
        <details key={round.id} open={i === 0} data-round-index={round.index}>
          <summary>
            Round {round.index} <StatusBadge status={round.status} /> · {round.counts.accepted} of {round.counts.total}{' '}
            accepted
            {round.counts.rejected + round.counts.failed + round.counts.dropped > 0 &&
              ` · ${round.counts.rejected} rejected, ${round.counts.failed} failed, ${round.counts.dropped} dropped`}
            {' · '}
            {round.endedAt ? (
              `took ${formatDuration(between(round.startedAt, round.endedAt))}`
            ) : (
              <>
                deadline <TimeText value={round.deadlineAt} />
              </>
            )}
          </summary>
          {round.failureReason && <p class="problem">Round failed: {round.failureReason}</p>}
          <ParticipantsTable round={round} siteName={siteName} />
        </details>
      ))}
    </section>
  );
}
