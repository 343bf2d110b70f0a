/**
 * A secure round's record and its step changes: created from the federation's config the first time it is asked
 * for, moved on by one conditional update per step (so two coordinator steps racing cannot both move it), logged,
 * published, and awaited by the sites' long polls.
 */
import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import { JsonLogger } from '../../logging/json-logger';
import type { FederationRecord, RoundRecord } from '../../persistence/records';
import { RoundRepository } from '../../persistence/repositories';
import { ProgressPublisher } from '../../rounds/progress-publisher.service';
import { lastCompletedBefore, roundsOf } from '../round-history';
import { roundPrivacyPlan } from '../round-privacy-plan';
import type { SecAggRoundRecord, SecAggStep } from './secagg-records';
import { type SecAggRoundChanges, SecureAggregationRepository } from './secagg.repository';

@Injectable()
export class SecAggRoundSteps {
  private readonly stepChanges = new EventEmitter().setMaxListeners(0);

  constructor(
    private readonly repository: SecureAggregationRepository,
    private readonly rounds: RoundRepository,
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

  /** Moves the round from its step to `step` with `changes`; the current record (another caller's, if it won). */
  async move(
    record: SecAggRoundRecord,
    step: SecAggStep,
    changes: SecAggRoundChanges,
    why: string,
  ): Promise<SecAggRoundRecord> {
    const moved = await this.repository.advance(record.roundId, record.step, { ...changes, step }, Date.now());
    const current = moved ?? ((await this.repository.get(record.roundId)) as SecAggRoundRecord);
    if (moved) this.announce(current, step, why);
    return current;
  }

  /** Fails the round with `reason`; the reason stored (the first, if another caller failed it already). */
  async fail(record: SecAggRoundRecord, reason: string): Promise<string> {
    const moved = await this.repository.advance(
      record.roundId,
      record.step,
      { step: 'FAILED', failureReason: reason, stepDeadlineAt: null },
      Date.now(),
    );
    this.announce(record, 'FAILED', reason);
    return moved?.failureReason ?? reason;
  }

  /** Resolves when the round's step changes, after `ms`, or when `signal` aborts, whichever comes first. */
  nextChange(roundId: string, ms: number, signal?: AbortSignal): Promise<void> {
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
}
