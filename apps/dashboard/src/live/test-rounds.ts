/** Round fixtures for the live-state specs, shaped like the RoundFields fragment. */
import type { ParticipantFieldsFragment, RoundFieldsFragment } from '../graphql/generated';

const T = '2026-01-01T00:00:00.000Z';

export function participant(
  siteId: string,
  status: ParticipantFieldsFragment['status'],
  metrics: Record<string, number> = {},
): ParticipantFieldsFragment {
  return {
    id: `p-${siteId}`,
    siteId,
    status,
    assignedAt: T,
    updatedAt: T,
    numSamples: 10,
    bytesReceived: 4000,
    rejectionReason: null,
    metrics: Object.entries(metrics).map(([name, value]) => ({ name, value })),
  };
}

export function round(
  index: number,
  status: RoundFieldsFragment['status'],
  participants: ParticipantFieldsFragment[] = [],
  metrics: Record<string, number> = {},
): RoundFieldsFragment {
  const count = (s: string) => participants.filter((p) => p.status === s).length;
  return {
    id: `r${index}`,
    index,
    status,
    startedAt: T,
    deadlineAt: T,
    closedAt: null,
    endedAt: null,
    failureReason: null,
    resultModelVersionId: null,
    privacy: { secureAggregation: false, survivors: null, epsilon: null, sampleEpsilon: null, delta: null },
    counts: {
      assigned: count('ASSIGNED'),
      accepted: count('ACCEPTED'),
      rejected: count('REJECTED'),
      failed: count('FAILED'),
      dropped: count('DROPPED'),
      total: participants.length,
    },
    metrics: Object.entries(metrics).map(([name, value]) => ({ name, value })),
    aggregation: [],
    participants,
  };
}
