/**
 * Which model inference serves. Only a model someone chose: an administrator (promoteModelVersion), or the
 * completed-federation policy (serving-config.ts) when a federation completes with a final model whose validation
 * passes the bar. Every decision — promotion, withdrawal, the policy's refusals — is appended to the serving audit
 * with who, when, which model (id and sha256) and why. Round 0, a federation's untrained starting point, is never
 * promoted; the policy never looks at a cancelled or failed federation; an administrator's choice stays until an
 * administrator replaces or withdraws it. Decisions run one at a time, so a promotion never races the policy.
 */
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import type { ServingConfig } from '../config/serving-config';
import { JsonLogger } from '../logging/json-logger';
import type { ModelVersionRecord, Page, PageRequest } from '../persistence/records';
import { FederationRepository, ModelVersionRepository } from '../persistence/repositories';
import type { ServingActor, ServingEventRecord } from './persistence/serving-records';
import { ServingRepository } from './persistence/serving.repository';
import { ServingError } from './serving-errors';

export interface ServingModel {
  version: ModelVersionRecord;
  /** The PROMOTE that made it the serving model. */
  promotion: ServingEventRecord;
}

/** Who asks for a decision: an administrator (the name they give, their token's fingerprint). */
export interface AdminActor {
  name: string | null;
  tokenFingerprint: string;
}

@Injectable()
export class ServingModels implements OnApplicationBootstrap {
  private readonly settings: ServingConfig;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly audit: ServingRepository,
    private readonly versions: ModelVersionRepository,
    private readonly federations: FederationRepository,
    config: CoordinatorConfigService,
    private readonly log: JsonLogger,
  ) {
    this.settings = config.get('serving');
  }

  /** Federations that completed while the coordinator was down (or before this build) get their policy decision. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.policy !== 'completed-federation') return;
    const completed = await this.federations.listByStatus('COMPLETED');
    completed.sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
    for (const federation of completed) await this.federationCompleted(federation.id);
  }

  async current(): Promise<ServingModel | null> {
    const decision = await this.audit.latestDecision();
    if (decision?.action !== 'PROMOTE' || !decision.modelVersionId) return null;
    const version = await this.versions.get(decision.modelVersionId);
    return version ? { version, promotion: decision } : null;
  }

  /** The model a job runs: the serving model, or a version asked for by id that is promoted and not withdrawn. */
  async forInference(versionId?: string | null): Promise<ModelVersionRecord> {
    if (!versionId) {
      const serving = await this.current();
      if (!serving) {
        throw new ServingError(
          'NO_SERVING_MODEL',
          'no model is being served: an administrator promotes a trained model version with ' +
            'promoteModelVersion(id, reason)' +
            (this.settings.policy === 'completed-federation'
              ? `, or a federation completes with ${this.settings.metric} ≥ ${this.settings.minValue} on its final model`
              : ' (FEDSTROKE_SERVING_POLICY=manual: nothing is promoted automatically)'),
        );
      }
      return serving.version;
    }
    const decision = await this.audit.latestDecisionFor(versionId);
    const version = await this.versions.get(versionId);
    if (!version || decision?.action !== 'PROMOTE') {
      throw new ServingError(
        'MODEL_NOT_SERVED',
        !version
          ? `model version ${versionId} does not exist`
          : decision
            ? `model version ${versionId} was withdrawn from serving (${decision.reason})`
            : `model version ${versionId} (round ${version.roundIndex}) was never promoted for serving: omit ` +
              'modelVersionId to use the serving model, or have an administrator promote this one',
      );
    }
    return version;
  }

  promote(versionId: string, reason: string, admin: AdminActor): Promise<ServingModel> {
    return this.exclusive(async () => {
      const version = await this.versions.get(versionId);
      if (!version) throw new ServingError('NOT_PROMOTABLE', `model version ${versionId} does not exist`);
      if (version.roundIndex === 0) {
        throw new ServingError(
          'NOT_PROMOTABLE',
          `model version ${versionId} is round 0, the starting point of federation ${version.federationId}: no ` +
            'federation trained it, so it is never served; promote a round aggregate',
        );
      }
      const event = await this.record('PROMOTE', 'ADMIN', version, reason, admin);
      return { version, promotion: event };
    });
  }

  withdraw(reason: string, admin: AdminActor): Promise<ServingEventRecord> {
    return this.exclusive(async () => {
      const serving = await this.current();
      if (!serving) throw new ServingError('NOTHING_TO_WITHDRAW', 'no model is being served');
      return this.record('WITHDRAW', 'ADMIN', serving.version, reason, admin);
    });
  }

  history(page: PageRequest): Promise<Page<ServingEventRecord>> {
    return this.audit.list(page);
  }

  /**
   * The completed-federation policy, once per federation: promote its final model when it passes the bar, or record
   * why not. Called when a federation completes, and at boot for those that completed while nobody listened.
   */
  federationCompleted(federationId: string): Promise<void> {
    if (this.settings.policy !== 'completed-federation') return Promise.resolve();
    return this.exclusive(async () => {
      if (await this.audit.policyDecided(federationId)) return;
      const federation = await this.federations.get(federationId);
      if (federation?.status !== 'COMPLETED') return;
      const final = await this.versions.latest(federationId);
      const { metric, minValue } = this.settings;
      const value = final?.metrics[metric];
      const serving = await this.current();
      let refusal: string | null = null;
      if (!final || final.roundIndex === 0)
        refusal = 'the federation completed without a trained model (every round failed)';
      else if (value === undefined) refusal = `its final model (round ${final.roundIndex}) has no ${metric} metric`;
      else if (!(value >= minValue)) refusal = `its final model's ${metric} is ${value}, below the bar of ${minValue}`;
      else if (serving?.promotion.actor === 'ADMIN') {
        refusal = `an administrator's choice (model version ${serving.version.id}) is serving; only an administrator replaces it`;
      }
      if (refusal !== null) {
        await this.audit.record({
          ...this.event('DECLINE', 'POLICY', final ?? null, `policy: not promoted: ${refusal}`),
          federationId,
        });
        this.log.event('info', 'serving.policy_declined', { federationId, reason: refusal });
        return;
      }
      await this.record(
        'PROMOTE',
        'POLICY',
        final!,
        `policy: federation ${federation.name} completed, final model (round ${final!.roundIndex}) has ${metric} ${value} ≥ ${minValue}`,
      );
    });
  }

  private async record(
    action: 'PROMOTE' | 'WITHDRAW',
    actor: ServingActor,
    version: ModelVersionRecord,
    reason: string,
    admin?: AdminActor,
  ): Promise<ServingEventRecord> {
    const event = {
      ...this.event(action, actor, version, reason),
      ...(admin && { actorName: admin.name, tokenFingerprint: admin.tokenFingerprint }),
    };
    await this.audit.record(event);
    this.log.event('info', action === 'PROMOTE' ? 'serving.promoted' : 'serving.withdrawn', {
      modelVersionId: version.id,
      sha256: version.sha256,
      actor,
      reason,
    });
    return event;
  }

  private event(
    action: ServingEventRecord['action'],
    actor: ServingActor,
    version: ModelVersionRecord | null,
    reason: string,
  ): ServingEventRecord {
    return {
      id: randomUUID(),
      at: Date.now(),
      action,
      actor,
      actorName: null,
      tokenFingerprint: null,
      modelVersionId: version?.id ?? null,
      modelSha256: version?.sha256 ?? null,
      federationId: version?.federationId ?? null,
      reason,
    };
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
