/**
 * Round orchestration in the shape of NVFlare's ScatterAndGather: publish the global model, wait for the quorum
 * or the deadline, take the validated updates, aggregate, persist the new model, advance.
 *
 * All state is in the database; this class holds only timers and a per-federation queue. `step` looks at what the
 * database says and moves the federation forward as far as it can, so the same code serves a fresh start, an
 * upload, a deadline and a restart after a crash (an AGGREGATING round is simply aggregated again from the
 * accepted updates on disk: nothing accepted is lost, and the model version is committed in the same transaction
 * that completes the round and opens the next one). Every file is re-hashed against the sha256 the database holds
 * before it is aggregated: an update that changed on disk after it was accepted is left out, named on the round.
 */
import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { FedstrokeError } from '@fedstroke/common';
import { JsonLogger } from '../logging/json-logger';
import { MetricsService } from '../metrics/metrics.service';
import { modelVersionFile } from '../model-versions/model-versions.service';
import {
  deadlineFrom,
  failureStreakStop,
  followingRoundIndex,
  type Gathering,
  nextStep,
  type RoundSituation,
  updateShortfall,
} from '@fedstroke/federation';
import type { FederationRecord, RoundRecord } from '../persistence/records';
import {
  FederationMemberRepository,
  FederationRepository,
  ModelVersionRepository,
  ParticipationRepository,
  RoundRepository,
} from '../persistence/repositories';
import { PrivateRounds } from '../privacy/private-rounds.service';
import { ProgressPublisher } from '../rounds/progress-publisher.service';
import { ServingModels } from '../serving/serving-models.service';
import { StoredFileCorruptError, WeightsStore } from '../storage/weights-store';
import { readAcceptedUpdates } from './accepted-updates';
import { type AggregationOutcome, AggregationPort } from './aggregation.port';
import { DeadlineTimers } from './deadline-timers';
import { SerialQueues } from './serial-queues';
import { ServerStateStore } from './server-state.store';
import { configureRound, roundConfigOf, roundRules, updateParts } from './strategy-config';
import { UpdateNormBounds } from './update-norm-bounds';

const STEP_RETRY_MS = 5000;

@Injectable()
export class RoundOrchestrator implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly queues = new SerialQueues();
  private readonly timers = new DeadlineTimers();
  private stopped = false;

  constructor(
    private readonly federations: FederationRepository,
    private readonly members: FederationMemberRepository,
    private readonly rounds: RoundRepository,
    private readonly participations: ParticipationRepository,
    private readonly modelVersions: ModelVersionRepository,
    private readonly store: WeightsStore,
    private readonly serverState: ServerStateStore,
    private readonly aggregator: AggregationPort,
    private readonly normBounds: UpdateNormBounds,
    private readonly progress: ProgressPublisher,
    private readonly serving: ServingModels,
    private readonly metrics: MetricsService,
    private readonly log: JsonLogger,
    private readonly privateRounds: PrivateRounds,
  ) {}

  /** Resume every federation the database says is running, from its last stored round. */
  async onApplicationBootstrap(): Promise<void> {
    for (const federation of await this.federations.listByStatus('RUNNING')) {
      const round = await this.rounds.latest(federation.id);
      this.log.event('info', 'federation.resumed_after_boot', {
        federationId: federation.id,
        roundIndex: round?.index ?? 0,
        roundStatus: round?.status ?? 'none',
      });
      this.kick(federation.id);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.timers.clearAll();
    await this.queues.drain();
  }

  federationStarted(federation: FederationRecord): Promise<void> {
    this.log.event('info', 'federation.started', { federationId: federation.id, name: federation.name });
    return this.kick(federation.id);
  }

  async federationPaused(federation: FederationRecord): Promise<void> {
    const round = await this.rounds.latest(federation.id);
    if (round) this.timers.clear(round.id);
    this.log.event('info', 'federation.paused', { federationId: federation.id, reason: federation.statusReason });
    await this.progress.publish('FEDERATION_PAUSED', federation.id, round?.id ?? null);
  }

  /** A pause stops the clock: the open round gets a full deadline again from now. */
  async federationResumed(federation: FederationRecord): Promise<void> {
    const round = await this.rounds.latest(federation.id);
    if (round?.status === 'OPEN') {
      await this.rounds.setDeadline(round.id, deadlineFrom(Date.now(), federation.config.deadlineSeconds));
    }
    this.log.event('info', 'federation.resumed', { federationId: federation.id });
    await this.progress.publish('FEDERATION_RESUMED', federation.id, round?.id ?? null);
    await this.kick(federation.id);
  }

  async cancel(federationId: string, reason: string): Promise<FederationRecord | null> {
    let cancelled: FederationRecord | null = null;
    await this.queues.run(
      federationId,
      async () => {
        const round = await this.rounds.latest(federationId);
        cancelled = await this.rounds.cancelFederation(federationId, Date.now(), reason);
        if (!cancelled) return;
        if (round) this.timers.clear(round.id);
        if (round?.status === 'OPEN' || round?.status === 'AGGREGATING')
          this.metrics.roundsEnded.inc({ status: 'cancelled' });
        this.log.event('info', 'federation.cancelled', { federationId, reason });
        await this.progress.publish('FEDERATION_CANCELLED', federationId, round?.id ?? null, { message: reason });
      },
      (error) => this.fail(federationId, error),
    );
    return cancelled;
  }

  /** Something changed (an update arrived, a site failed, a deadline fired): move the federation on. */
  kick(federationId: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.queues.run(
      federationId,
      () => this.step(federationId),
      (error) => this.fail(federationId, error),
    );
  }

  /**
   * The script. Each turn loads the federation and its latest round, asks libs/federation's `nextStep` what to do
   * and does it; it loops because one step can close a round, aggregate it and publish the next.
   */
  private async step(federationId: string): Promise<void> {
    while (!this.stopped) {
      const federation = await this.federations.get(federationId);
      if (!federation) return;
      const round = await this.rounds.latest(federationId);
      const situation = round && (await this.situationOf(federation, round));
      const next = nextStep(federation.status, situation, roundRules(federation.config), Date.now());
      switch (next.kind) {
        case 'idle':
        case 'finished':
          return;
        case 'open-first-round':
          await this.openFirstRound(federation);
          break;
        case 'wait':
          this.timers.arm((round as RoundRecord).id, next.until, () => void this.kick(federationId));
          return;
        case 'close':
          await this.closeRound(federation, round as RoundRecord, next.why);
          break;
        case 'aggregate':
          await this.aggregateAndAdvance(federation, round as RoundRecord);
          break;
      }
    }
  }

  /**
   * The round as nextStep reads it. How an OPEN round of a running federation is gathering is asked of privacy
   * (secure aggregation advances its steps there) or counted from its participations; nothing is asked otherwise.
   */
  private async situationOf(federation: FederationRecord, round: RoundRecord): Promise<RoundSituation> {
    if (round.status !== 'OPEN' || federation.status !== 'RUNNING') {
      return { status: round.status, deadlineAt: round.deadlineAt, gathering: null };
    }
    const secure = await this.privateRounds.gather(federation, round);
    const gathering: Gathering = secure
      ? { kind: 'secure', progress: secure }
      : {
          kind: 'updates',
          counts: await this.participations.counts(round.id),
          unseatedMembers: await this.members.countUnseated(federation.id, round.id),
        };
    return { status: round.status, deadlineAt: round.deadlineAt, gathering };
  }

  /** Round 1, from model version 0 (the initial model). */
  private async openFirstRound(federation: FederationRecord): Promise<void> {
    const initial = await this.modelVersions.latest(federation.id);
    if (!initial) throw new Error(`federation ${federation.id} has no initial model version`);
    const first = this.newRound(federation, 1, initial.id);
    await this.rounds.open(first);
    await this.announceOpened(federation, first);
  }

  private async closeRound(federation: FederationRecord, round: RoundRecord, why: string): Promise<void> {
    this.timers.clear(round.id);
    const closed = await this.rounds.close(
      round.id,
      Date.now(),
      `round ${round.index} closed before the update arrived (${why})`,
    );
    if (!closed) return;
    const counts = await this.participations.counts(round.id);
    if (counts.dropped > 0) this.metrics.participations.inc({ status: 'dropped' }, counts.dropped);
    this.log.event('info', 'round.closed', { federationId: federation.id, roundIndex: round.index, why, ...counts });
    await this.progress.publish('ROUND_CLOSED', federation.id, round.id, { message: why });
  }

  /** Validated updates in, new global model out: aggregate, persist, complete, open the next round. */
  private async aggregateAndAdvance(federation: FederationRecord, round: RoundRecord): Promise<void> {
    const accepted = await this.participations.listByStatus(round.id, 'ACCEPTED');
    const rules = roundRules(federation.config);
    const tooFewAccepted = updateShortfall(rules, accepted.length);
    if (tooFewAccepted) return this.failRound(federation, round, tooFewAccepted);

    const started = process.hrtime.bigint();
    const base = await this.modelVersions.get(round.baseModelVersionId);
    if (!base) throw new Error(`round ${round.id}: base model version ${round.baseModelVersionId} is missing`);
    let global: Float32Array;
    try {
      global = await this.store.readVerified(base.file, base.sha256);
    } catch (error) {
      if (!(error instanceof StoredFileCorruptError)) throw error;
      return this.failRound(federation, round, `base model version ${base.id} is unusable: ${error.message}`);
    }
    const { updates, excluded } = await this.privateRounds.acceptedUpdates(federation, accepted, () =>
      readAcceptedUpdates(this.store, accepted, {
        parameterCount: federation.config.model.parameterCount,
        parts: updateParts(federation.config),
      }),
    );
    for (const update of excluded) {
      // The participation says so too (ACCEPTED would claim the update is in the model); marked before the round
      // commits, so a restart re-aggregates the same updates without it.
      await this.participations.exclude(update.participationId, Date.now(), update.reason);
      this.log.event('error', 'round.update_excluded', {
        federationId: federation.id,
        roundIndex: round.index,
        ...update,
      });
    }
    const excludedWhy = excluded.map((e) => `site ${e.siteId}: ${e.reason}`);
    const tooFewUsable = updateShortfall(rules, accepted.length, { count: updates.length, excluded: excludedWhy });
    if (tooFewUsable) return this.failRound(federation, round, tooFewUsable);
    const serverState = await this.serverState.read(base.file);
    let outcome: AggregationOutcome;
    try {
      outcome = this.privateRounds.isPrivate(federation)
        ? await this.privateRounds.aggregate({
            federation,
            round,
            global,
            accepted,
            serverState,
            readUpdates: async () => updates,
          })
        : this.aggregator.aggregate({
            federation,
            round: roundConfigOf(federation, round),
            memberCount: (await this.members.list(federation.id)).length,
            global,
            updates,
            serverState,
          });
    } catch (error) {
      // Aggregation is deterministic: retrying the same inputs would fail the same way, so the round fails. Nothing
      // of it is stored (model, server state); the next round publishes the same, last good, model again.
      if (!(error instanceof FedstrokeError)) throw error;
      const what = error.code === 'AGGREGATE_REJECTED' ? 'aggregate rejected, not stored' : 'aggregation failed';
      return this.failRound(
        federation,
        round,
        `${what}: ${error.message}; the federation goes on from model version ${base.id} (round ${base.roundIndex})`,
      );
    }
    const normBound = await this.normBounds.forRound(federation, round, global);
    outcome.aggregation.updateNormBound = normBound.bound;

    // Files first (atomic), then one transaction that points the database at them.
    const versionId = randomUUID();
    const file = modelVersionFile(federation.id, round.index, versionId);
    const { weights } = outcome;
    const stored = await this.store.writeAtomic(
      file,
      new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
    );
    if (outcome.serverState) await this.serverState.write(file, outcome.serverState);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const metrics = { ...outcome.metrics, aggregationSeconds: seconds };
    const account = await this.privateRounds.accountFields(federation, round);
    const finishReason = await this.privateRounds.budgetStop(federation, round);
    const next = this.nextRound(federation, round, versionId, finishReason);
    const at = Date.now();
    await this.rounds.complete({
      roundId: round.id,
      at,
      next,
      ...(finishReason && { finishReason }),
      metrics,
      aggregation: {
        ...outcome.aggregation,
        ...account,
        ...(excluded.length > 0 && {
          excludedUpdates: excluded.length,
          excluded: excludedWhy.join('; '),
        }),
      },
      modelVersion: {
        id: versionId,
        federationId: federation.id,
        roundIndex: round.index,
        sha256: stored.sha256,
        sizeBytes: stored.sizeBytes,
        file,
        metrics,
        createdAt: at,
      },
    });
    this.metrics.aggregationSeconds.observe(seconds);
    this.metrics.roundsEnded.inc({ status: 'completed' });
    this.log.event('info', 'round.completed', {
      federationId: federation.id,
      roundIndex: round.index,
      updates: updates.length,
      modelVersionId: versionId,
      sha256: stored.sha256,
      aggregationSeconds: seconds,
    });
    await this.progress.publish('ROUND_COMPLETED', federation.id, round.id);
    await this.announceNext(federation, next, finishReason);
  }

  /** Ends the round without a new model; the next round (if any) starts again from the same one. */
  private async failRound(federation: FederationRecord, round: RoundRecord, reason: string): Promise<void> {
    const limit = federation.config.maxConsecutiveFailedRounds;
    const streakStop =
      limit === undefined ? null : failureStreakStop(await this.failedRoundsInARow(round, limit), limit, reason);
    // A failed round released no model, but the updates it accepted count at sample level: the budget still applies.
    const finishReason = streakStop ?? (await this.privateRounds.budgetStop(federation, null));
    const next = this.nextRound(federation, round, round.baseModelVersionId, finishReason);
    await this.rounds.fail({
      roundId: round.id,
      at: Date.now(),
      reason,
      next,
      ...(finishReason && { finishReason }),
      ...(streakStop && { endStatus: 'FAILED' as const }),
    });
    this.metrics.roundsEnded.inc({ status: 'failed' });
    this.log.event('warn', 'round.failed', { federationId: federation.id, roundIndex: round.index, reason });
    await this.progress.publish('ROUND_FAILED', federation.id, round.id, { message: reason });
    if (streakStop) return this.announceFailed(federation, streakStop);
    await this.announceNext(federation, next, finishReason);
  }

  /**
   * `round` (failing now) and the rounds right before it that failed too, counted up to `limit`. Round indices run
   * 1, 2, … without gaps, so the `limit − 1` rounds before it sit at offsets index − limit … index − 2.
   */
  private async failedRoundsInARow(round: RoundRecord, limit: number): Promise<number> {
    const before = Math.min(limit - 1, round.index - 1);
    if (before <= 0) return 1;
    const earlier = await this.rounds.list(round.federationId, { offset: round.index - 1 - before, limit: before });
    let streak = 1;
    for (let i = earlier.items.length - 1; i >= 0 && earlier.items[i].status === 'FAILED'; i--) streak++;
    return streak;
  }

  private async announceFailed(federation: FederationRecord, reason: string): Promise<void> {
    this.log.event('warn', 'federation.failed', { federationId: federation.id, reason });
    await this.progress.publish('FEDERATION_FAILED', federation.id, null, { message: reason });
  }

  /** The round that follows `round` from `baseModelVersionId`, or null when the federation ends with it. */
  private nextRound(
    federation: FederationRecord,
    round: RoundRecord,
    baseModelVersionId: string,
    finishReason: string | null,
  ): RoundRecord | null {
    const index = followingRoundIndex(round.index, federation.config.rounds, finishReason);
    return index === null ? null : this.newRound(federation, index, baseModelVersionId);
  }

  private async announceNext(
    federation: FederationRecord,
    next: RoundRecord | null,
    finishReason: string | null = null,
  ): Promise<void> {
    if (next) return this.announceOpened(federation, next);
    this.log.event('info', 'federation.completed', {
      federationId: federation.id,
      rounds: federation.config.rounds,
      reason: finishReason,
    });
    await this.progress.publish(
      'FEDERATION_COMPLETED',
      federation.id,
      null,
      finishReason ? { message: finishReason } : {},
    );
    // The serving policy may now promote its final model (a crash before this is caught up at the next boot).
    await this.serving.federationCompleted(federation.id);
  }

  private async announceOpened(federation: FederationRecord, round: RoundRecord): Promise<void> {
    this.metrics.roundsOpened.inc();
    this.log.event('info', 'round.opened', {
      federationId: federation.id,
      roundIndex: round.index,
      baseModelVersionId: round.baseModelVersionId,
      deadlineAt: new Date(round.deadlineAt).toISOString(),
    });
    await this.progress.publish('ROUND_OPENED', federation.id, round.id);
  }

  private newRound(federation: FederationRecord, index: number, baseModelVersionId: string): RoundRecord {
    const now = Date.now();
    return {
      id: randomUUID(),
      federationId: federation.id,
      index,
      status: 'OPEN',
      baseModelVersionId,
      resultModelVersionId: null,
      startedAt: now,
      deadlineAt: deadlineFrom(now, federation.config.deadlineSeconds),
      closedAt: null,
      endedAt: null,
      metrics: {},
      aggregation: {},
      failureReason: null,
      config: configureRound(federation.config, index),
    };
  }

  /** A step that throws (I/O) leaves the database as it was; it is retried shortly, and again after a restart. */
  private fail(federationId: string, error: unknown): void {
    this.log.event('error', 'orchestration.step_failed', {
      federationId,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      retryInSeconds: STEP_RETRY_MS / 1000,
    });
    if (!this.stopped) setTimeout(() => void this.kick(federationId), STEP_RETRY_MS).unref();
  }
}
