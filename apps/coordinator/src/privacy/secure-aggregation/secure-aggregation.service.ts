/**
 * The coordinator's part of secure aggregation: it relays keys and sealed shares (secagg-relay.service.ts), takes
 * the masked inputs (through the update upload path), asks the survivors to unmask, and rebuilds the sum
 * (secagg-unmasking.ts). It holds no private key and no unsealed share, so it can unmask the sum of at least t
 * sites and nothing less.
 *
 * The round's steps (secagg-records.ts) live in the database; `advance` moves a round on as far as what is stored
 * allows, so it serves a message arriving, a step's deadline and a restarted coordinator alike (the record and its
 * step changes: secagg-round-steps.ts). Sites long-poll the relay's `siteView` for the step they wait for.
 */
import { Injectable } from '@nestjs/common';
import type { FederationRecord, RoundRecord } from '../../persistence/records';
import { ParticipationRepository } from '../../persistence/repositories';
import type { SecAggRoundRecord } from './secagg-records';
import { SecAggRoundSteps } from './secagg-round-steps';
import { SecAggUnmasking } from './secagg-unmasking';
import { SecureAggregationRepository } from './secagg.repository';

export type SecAggProgress =
  | { kind: 'wait'; until: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'unmasked'; sum: Uint32Array; record: SecAggRoundRecord };

@Injectable()
export class SecureAggregationService {
  constructor(
    private readonly repository: SecureAggregationRepository,
    private readonly participations: ParticipationRepository,
    private readonly steps: SecAggRoundSteps,
    private readonly unmasking: SecAggUnmasking,
  ) {}

  /** The round's record, created from the federation's config the first time it is asked for. */
  ensure(federation: FederationRecord, round: RoundRecord): Promise<SecAggRoundRecord> {
    return this.steps.ensure(federation, round);
  }

  /** Whether the round may still take a new site: not secure, or still collecting keys. */
  async takesNewSites(federation: FederationRecord, round: RoundRecord): Promise<boolean> {
    if (!federation.config.privacy?.secureAggregation) return true;
    const record = await this.repository.get(round.id);
    return record === null || record.step === 'ADVERTISE';
  }

  /** Why a masked input from this site cannot be taken now (the upload path asks), or null. */
  async maskedInputRefusal(
    round: RoundRecord,
    siteId: string,
    bytes: number,
  ): Promise<{ code: 'NOT_IN_SECURE_ROUND' | 'LENGTH_MISMATCH'; reason: string } | null> {
    const record = await this.repository.get(round.id);
    if (record?.step !== 'MASK') {
      return {
        code: 'NOT_IN_SECURE_ROUND',
        reason: `secure aggregation is at step ${record?.step ?? 'ADVERTISE'}; masked inputs are taken at MASK`,
      };
    }
    if (!(record.sharedKeys ?? []).includes(siteId)) {
      return {
        code: 'NOT_IN_SECURE_ROUND',
        reason: 'this site did not share its keys this round, so its masked input cannot be unmasked',
      };
    }
    const expected = record.params.protocol.length * 4;
    if (bytes !== expected) {
      return {
        code: 'LENGTH_MISMATCH',
        reason: `masked input of ${bytes} bytes; this round masks ${record.params.protocol.length} words (${expected} bytes)`,
      };
    }
    return null;
  }

  /** Moves the round on as far as what is stored allows. */
  async advance(federation: FederationRecord, round: RoundRecord): Promise<SecAggProgress> {
    let record = await this.steps.ensure(federation, round);
    const { threshold } = record.params.protocol;
    const stepMs = (federation.config.privacy?.secureAggregation?.stepSeconds ?? 120) * 1000;
    for (;;) {
      const now = Date.now();
      switch (record.step) {
        case 'ADVERTISE': {
          // Sites that failed or were refused meanwhile are out; the others are in once they advertised.
          const assigned = await this.participations.listByStatus(round.id, 'ASSIGNED');
          const live = new Set(assigned.map((p) => p.siteId));
          const ads = await this.repository.messages(round.id, 'ADVERTISEMENT');
          const roster = ads.map((m) => m.payload).filter((k) => live.has(k.siteId));
          const pending = assigned.length - roster.length;
          const full =
            roster.length >= federation.config.quorum ||
            (pending === 0 && (await this.assignmentsClosed(federation, round)));
          if (!full && now < round.deadlineAt) return { kind: 'wait', until: round.deadlineAt };
          if (roster.length < threshold)
            return this.fail(record, `${roster.length} site(s) advertised keys, fewer than the threshold ${threshold}`);
          record = await this.steps.move(
            record,
            'SHARE',
            { roster, stepDeadlineAt: now + stepMs },
            `${roster.length} sites in the roster`,
          );
          break;
        }
        case 'SHARE': {
          const roster = (record.roster ?? []).map((k) => k.siteId);
          const posted = (await this.repository.messages(round.id, 'SHARES'))
            .map((m) => m.siteId)
            .filter((id) => roster.includes(id));
          if (posted.length < roster.length && now < (record.stepDeadlineAt as number))
            return { kind: 'wait', until: record.stepDeadlineAt as number };
          if (posted.length < threshold)
            return this.fail(
              record,
              `${posted.length} site(s) shared their keys, fewer than the threshold ${threshold}`,
            );
          record = await this.steps.move(
            record,
            'MASK',
            { sharedKeys: posted, stepDeadlineAt: now + stepMs },
            `${posted.length} sites shared keys`,
          );
          break;
        }
        case 'MASK': {
          const shared = record.sharedKeys ?? [];
          // ASSIGNED before ACCEPTED: an input accepted between the two reads is then seen as still coming (the
          // step waits, and that acceptance moves it on), never as neither (left out of the sum it was masked for).
          const stillAssigned = (await this.participations.listByStatus(round.id, 'ASSIGNED')).some((p) =>
            shared.includes(p.siteId),
          );
          const accepted = (await this.participations.listByStatus(round.id, 'ACCEPTED'))
            .map((p) => p.siteId)
            .filter((id) => shared.includes(id));
          if (stillAssigned && now < (record.stepDeadlineAt as number))
            return { kind: 'wait', until: record.stepDeadlineAt as number };
          if (accepted.length < threshold) {
            return this.fail(
              record,
              `${accepted.length} masked input(s) arrived, fewer than the threshold ${threshold}; nothing is unmasked`,
            );
          }
          record = await this.steps.move(
            record,
            'UNMASK',
            { survivors: accepted, stepDeadlineAt: now + stepMs },
            `${accepted.length} survivors`,
          );
          break;
        }
        case 'UNMASK': {
          const survivors = record.survivors ?? [];
          const answers = await this.repository.messages(round.id, 'UNMASK');
          if (answers.length < survivors.length && now < (record.stepDeadlineAt as number))
            return { kind: 'wait', until: record.stepDeadlineAt as number };
          const recovered = await this.unmasking.recover(
            record,
            answers.map((a) => a.payload),
          );
          if (recovered.kind === 'failed') return this.fail(record, recovered.reason);
          record = await this.steps.move(
            record,
            'UNMASKED',
            { stepDeadlineAt: null },
            `${answers.length} survivors answered`,
          );
          return { kind: 'unmasked', sum: recovered.sum, record };
        }
        case 'UNMASKED': {
          const recovered = await this.unmasking.recover(
            record,
            (await this.repository.messages(round.id, 'UNMASK')).map((a) => a.payload),
          );
          return recovered.kind === 'failed'
            ? { kind: 'failed', reason: recovered.reason }
            : { kind: 'unmasked', sum: recovered.sum, record };
        }
        case 'FAILED':
          return { kind: 'failed', reason: record.failureReason ?? 'secure aggregation failed' };
      }
    }
  }

  private async fail(record: SecAggRoundRecord, reason: string): Promise<SecAggProgress> {
    return { kind: 'failed', reason: await this.steps.fail(record, reason) };
  }

  /** No further site will be assigned to the round (it has sitesPerRound participants). */
  private async assignmentsClosed(federation: FederationRecord, round: RoundRecord): Promise<boolean> {
    return (await this.participations.counts(round.id)).total >= federation.config.sitesPerRound;
  }
}
