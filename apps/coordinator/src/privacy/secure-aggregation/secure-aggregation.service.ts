/**
 * The coordinator's part of secure aggregation: it relays keys and sealed shares, takes the masked inputs (through
 * the update upload path), asks the survivors to unmask, and rebuilds the sum. It holds no private key and no
 * unsealed share, so it can unmask the sum of at least t sites and nothing less.
 *
 * The round's steps (secagg-records.ts) live in the database; `advance` moves a round on as far as what is stored
 * allows, so it serves a message arriving, a step's deadline and a restarted coordinator alike. Sites long-poll
 * `siteView` for the step they wait for.
 */
import { EventEmitter } from 'node:events';
import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { FedstrokeError } from '@fedstroke/common';
import {
  type KeyAdvertisement,
  type RoundTranscript,
  type SealedShare,
  sumMaskedInputs,
  unmaskRequest,
  unmaskSum,
  type UnmaskRequest,
  type UnmaskResponse,
} from '@fedstroke/federation';
import type { SitePrincipal } from '../../auth/principal';
import { JsonLogger } from '../../logging/json-logger';
import type { FederationRecord, RoundRecord } from '../../persistence/records';
import { ParticipationRepository, RoundRepository } from '../../persistence/repositories';
import { ProgressPublisher } from '../../rounds/progress-publisher.service';
import { StoredFileCorruptError, WeightsStore } from '../../storage/weights-store';
import { lastCompletedBefore, roundsOf } from '../round-history';
import { roundPrivacyPlan } from '../round-privacy-plan';
import { checkAdvertisement, checkShares, checkUnmaskResponse } from './secagg-messages.check';
import type { SecAggMessageKind, SecAggPayloads, SecAggRoundRecord, SecAggStep } from './secagg-records';
import { SecureAggregationRepository } from './secagg.repository';

const ORDER: Record<SecAggStep, number> = { ADVERTISE: 0, SHARE: 1, MASK: 2, UNMASK: 3, UNMASKED: 4, FAILED: 5 };

export type SecAggProgress =
  | { kind: 'wait'; until: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'unmasked'; sum: Uint32Array; record: SecAggRoundRecord };

/** What one site may see of the round at its current step. */
export interface SiteSecAggView {
  roundId: string;
  step: SecAggStep;
  stepDeadlineAt: number | null;
  failureReason: string | null;
  /** Whether the site is still part of the round (in the roster, shared keys, survived: per step). */
  included: boolean;
  roster: KeyAdvertisement[] | null;
  incomingShares: SealedShare[] | null;
  unmaskRequest: UnmaskRequest | null;
}

@Injectable()
export class SecureAggregationService {
  private readonly stepChanges = new EventEmitter().setMaxListeners(0);

  constructor(
    private readonly repository: SecureAggregationRepository,
    private readonly rounds: RoundRepository,
    private readonly participations: ParticipationRepository,
    private readonly store: WeightsStore,
    private readonly progress: ProgressPublisher,
    private readonly log: JsonLogger,
  ) {}

  /** The round's record, created from the federation's config the first time it is asked for. */
  async ensure(federation: FederationRecord, round: RoundRecord): Promise<SecAggRoundRecord> {
    const existing = await this.repository.get(round.id);
    if (existing) return existing;
    const plan = roundPrivacyPlan(
      federation.config,
      round,
      lastCompletedBefore(await roundsOf(this.rounds, federation.id), round.index),
    );
    if (!plan.secureAggregation) throw new Error(`federation ${federation.id} has no secure aggregation`);
    return this.repository.start({
      roundId: round.id,
      federationId: federation.id,
      step: 'ADVERTISE',
      stepDeadlineAt: null,
      params: plan.secureAggregation,
      roster: null,
      sharedKeys: null,
      survivors: null,
      failureReason: null,
      updatedAt: Date.now(),
    });
  }

  /** Whether the round may still take a new site: not secure, or still collecting keys. */
  async takesNewSites(federation: FederationRecord, round: RoundRecord): Promise<boolean> {
    if (!federation.config.privacy?.secureAggregation) return true;
    const record = await this.repository.get(round.id);
    return record === null || record.step === 'ADVERTISE';
  }

  // ---- what sites send and ask ----

  async advertise(
    site: SitePrincipal,
    federation: FederationRecord,
    round: RoundRecord,
    keys: KeyAdvertisement,
  ): Promise<SiteSecAggView> {
    const record = await this.atStep(site, federation, round, 'ADVERTISE', 'advertise keys');
    await this.requireAssigned(site, round);
    checkAdvertisement(keys, site.siteId);
    await this.storeOnce(round.id, site, 'ADVERTISEMENT', keys, 'keys');
    return this.view(record, site.siteId);
  }

  async submitShares(
    site: SitePrincipal,
    federation: FederationRecord,
    round: RoundRecord,
    shares: SealedShare[],
  ): Promise<SiteSecAggView> {
    const record = await this.atStep(site, federation, round, 'SHARE', 'send sealed shares');
    const roster = new Set((record.roster ?? []).map((k) => k.siteId));
    if (!roster.has(site.siteId))
      throw new ForbiddenException(`site ${site.siteName} is not in round ${round.index}'s roster`);
    checkShares(shares, site.siteId, roster);
    await this.storeOnce(round.id, site, 'SHARES', shares, 'shares');
    return this.view(record, site.siteId);
  }

  async submitUnmask(
    site: SitePrincipal,
    federation: FederationRecord,
    round: RoundRecord,
    response: UnmaskResponse,
  ): Promise<SiteSecAggView> {
    const record = await this.atStep(site, federation, round, 'UNMASK', 'answer the unmasking request');
    if (!(record.survivors ?? []).includes(site.siteId)) {
      throw new ForbiddenException(`site ${site.siteName} is not a survivor of round ${round.index}`);
    }
    checkUnmaskResponse(response, site.siteId, new Set((record.roster ?? []).map((k) => k.siteId)));
    await this.storeOnce(round.id, site, 'UNMASK', response, 'unmasking answer');
    return this.view(record, site.siteId);
  }

  /** The site's view once the round reaches `step` (or fails), waiting up to `waitMs` for it. */
  async siteView(
    site: SitePrincipal,
    federation: FederationRecord,
    round: RoundRecord,
    step: SecAggStep,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<SiteSecAggView> {
    await this.requireParticipant(site, round);
    const until = Date.now() + waitMs;
    for (;;) {
      const record = await this.ensure(federation, round);
      if (ORDER[record.step] >= ORDER[step] || until <= Date.now() || signal?.aborted)
        return this.view(record, site.siteId);
      await this.nextChange(round.id, until - Date.now(), signal);
    }
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

  // ---- the coordinator's steps ----

  /** Moves the round on as far as what is stored allows. */
  async advance(federation: FederationRecord, round: RoundRecord): Promise<SecAggProgress> {
    let record = await this.ensure(federation, round);
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
          record = await this.move(
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
          record = await this.move(
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
          record = await this.move(
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
          const recovered = await this.recover(
            record,
            answers.map((a) => a.payload),
          );
          if (recovered.kind === 'failed') return this.fail(record, recovered.reason);
          record = await this.move(
            record,
            'UNMASKED',
            { stepDeadlineAt: null },
            `${answers.length} survivors answered`,
          );
          return { kind: 'unmasked', sum: recovered.sum, record };
        }
        case 'UNMASKED': {
          const recovered = await this.recover(
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

  /** The unmasked sum of the survivors' inputs, from the stored masked inputs and answers. */
  private async recover(
    record: SecAggRoundRecord,
    answers: UnmaskResponse[],
  ): Promise<{ kind: 'ok'; sum: Uint32Array } | { kind: 'failed'; reason: string }> {
    const survivors = record.survivors ?? [];
    const transcript: RoundTranscript = {
      params: record.params.protocol,
      roster: record.roster ?? [],
      sharedKeys: record.sharedKeys ?? [],
      survivors,
    };
    const inputs: Uint32Array[] = [];
    for (const participation of await this.participations.listByStatus(record.roundId, 'ACCEPTED')) {
      if (!survivors.includes(participation.siteId)) continue;
      try {
        const words = await this.store.readVerified(
          participation.updateFile as string,
          participation.updateSha256 as string,
        );
        inputs.push(new Uint32Array(words.buffer, words.byteOffset, words.length));
      } catch (error) {
        if (!(error instanceof StoredFileCorruptError)) throw error;
        return {
          kind: 'failed',
          reason: `the masked input of survivor ${participation.siteId} is unusable (${error.message}); nothing is unmasked`,
        };
      }
    }
    try {
      return {
        kind: 'ok',
        sum: unmaskSum(transcript, sumMaskedInputs(inputs, record.params.protocol.length), answers),
      };
    } catch (error) {
      if (error instanceof FedstrokeError) return { kind: 'failed', reason: `unmasking failed: ${error.message}` };
      throw error;
    }
  }

  private async fail(record: SecAggRoundRecord, reason: string): Promise<SecAggProgress> {
    const moved = await this.repository.advance(
      record.roundId,
      record.step,
      { step: 'FAILED', failureReason: reason, stepDeadlineAt: null },
      Date.now(),
    );
    this.announce(record, 'FAILED', reason);
    return { kind: 'failed', reason: moved?.failureReason ?? reason };
  }

  private async move(
    record: SecAggRoundRecord,
    step: SecAggStep,
    changes: Parameters<SecureAggregationRepository['advance']>[2],
    why: string,
  ): Promise<SecAggRoundRecord> {
    const moved = await this.repository.advance(record.roundId, record.step, { ...changes, step }, Date.now());
    const current = moved ?? ((await this.repository.get(record.roundId)) as SecAggRoundRecord);
    if (moved) this.announce(current, step, why);
    return current;
  }

  private announce(record: SecAggRoundRecord, step: SecAggStep, why: string): void {
    this.log.event(step === 'FAILED' ? 'warn' : 'info', 'secagg.step', {
      federationId: record.federationId,
      roundId: record.roundId,
      step,
      why,
    });
    this.stepChanges.emit(record.roundId);
    void this.progress.publish('SECURE_AGGREGATION_STEP', record.federationId, record.roundId, {
      message: `${step}: ${why}`,
    });
  }

  /** No further site will be assigned to the round (it has sitesPerRound participants). */
  private async assignmentsClosed(federation: FederationRecord, round: RoundRecord): Promise<boolean> {
    return (await this.participations.counts(round.id)).total >= federation.config.sitesPerRound;
  }

  private async view(record: SecAggRoundRecord, siteId: string): Promise<SiteSecAggView> {
    const inRoster = (record.roster ?? []).some((k) => k.siteId === siteId);
    const shared = (record.sharedKeys ?? []).includes(siteId);
    const survived = (record.survivors ?? []).includes(siteId);
    const step = record.step;
    const included =
      step === 'ADVERTISE' || step === 'FAILED'
        ? step === 'ADVERTISE'
        : step === 'SHARE'
          ? inRoster
          : step === 'MASK'
            ? shared
            : survived;
    let incomingShares: SealedShare[] | null = null;
    if (ORDER[step] >= ORDER.MASK && step !== 'FAILED' && shared) {
      const senders = new Set(record.sharedKeys ?? []);
      incomingShares = (await this.repository.messages(record.roundId, 'SHARES'))
        .filter((m) => senders.has(m.siteId) && m.siteId !== siteId)
        .flatMap((m) => m.payload.filter((share) => share.to === siteId));
    }
    const transcript = {
      params: record.params.protocol,
      roster: record.roster ?? [],
      sharedKeys: record.sharedKeys ?? [],
      survivors: record.survivors ?? [],
    };
    return {
      roundId: record.roundId,
      step,
      stepDeadlineAt: record.stepDeadlineAt,
      failureReason: record.failureReason,
      included,
      roster: ORDER[step] >= ORDER.SHARE && step !== 'FAILED' && inRoster ? record.roster : null,
      incomingShares,
      unmaskRequest: ORDER[step] >= ORDER.UNMASK && step !== 'FAILED' && survived ? unmaskRequest(transcript) : null,
    };
  }

  private async atStep(
    site: SitePrincipal,
    federation: FederationRecord,
    round: RoundRecord,
    step: SecAggStep,
    what: string,
  ): Promise<SecAggRoundRecord> {
    await this.requireParticipant(site, round);
    const record = await this.ensure(federation, round);
    if (record.step !== step) {
      throw new ConflictException(
        `cannot ${what} in round ${round.index}: its secure aggregation is at step ${record.step}` +
          (record.failureReason ? ` (${record.failureReason})` : ''),
      );
    }
    return record;
  }

  private async requireParticipant(site: SitePrincipal, round: RoundRecord): Promise<void> {
    if (!(await this.participations.find(round.id, site.siteId))) {
      throw new NotFoundException(`site ${site.siteName} has no participation in round ${round.index}`);
    }
  }

  private async requireAssigned(site: SitePrincipal, round: RoundRecord): Promise<void> {
    const participation = await this.participations.find(round.id, site.siteId);
    if (participation?.status !== 'ASSIGNED') {
      throw new ConflictException(
        `site ${site.siteName}'s participation in round ${round.index} is ${participation?.status ?? 'missing'}`,
      );
    }
  }

  /** Stores the message once; the same message again is fine (a retry), a different one is refused. */
  private async storeOnce<K extends SecAggMessageKind>(
    roundId: string,
    site: SitePrincipal,
    kind: K,
    payload: SecAggPayloads[K],
    what: string,
  ): Promise<void> {
    if (await this.repository.putMessage(roundId, site.siteId, kind, payload, Date.now())) return;
    const stored = await this.repository.message(roundId, site.siteId, kind);
    if (JSON.stringify(stored?.payload) !== JSON.stringify(payload)) {
      throw new ConflictException(
        `site ${site.siteName} already sent other ${what} this round (a restarted site has lost its round keys and cannot rejoin)`,
      );
    }
  }

  private nextChange(roundId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stepChanges.off(roundId, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.stepChanges.once(roundId, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
