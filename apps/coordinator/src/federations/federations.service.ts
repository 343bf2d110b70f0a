import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '@fedstroke/common';
import { createStrategy, FEDERATION_ACTIONS, type FederationActionName } from '@fedstroke/federation';
import { modelVersionFile } from '../model-versions/model-versions.service';
import { RoundOrchestrator } from '../orchestration/round-orchestrator.service';
import { assertCompatibleOptions, toStrategyConfig } from '../orchestration/strategy-config';
import type {
  FederationConfigRecord,
  FederationRecord,
  FederationStatus,
  Page,
  PageRequest,
  StrategyParamsRecord,
} from '../persistence/records';
import { FederationRepository } from '../persistence/repositories';
import { resolvePrivacy } from '../privacy/privacy-config';
import { WeightsStore } from '../storage/weights-store';
import type { CreateFederationInput } from './dto/create-federation.input';
import { InitialModels } from './initial-models';
import { FederationMembershipService } from './federation-membership.service';

@Injectable()
export class FederationsService {
  constructor(
    private readonly federations: FederationRepository,
    private readonly store: WeightsStore,
    private readonly initialModels: InitialModels,
    private readonly orchestrator: RoundOrchestrator,
    private readonly membership: FederationMembershipService,
  ) {}

  async get(id: string): Promise<FederationRecord> {
    const federation = await this.federations.get(id);
    if (!federation) throw new NotFoundException(`federation ${id} does not exist`);
    return federation;
  }

  list(page: PageRequest, status?: FederationStatus): Promise<Page<FederationRecord>> {
    return this.federations.list(page, status);
  }

  /** Checks the config, reads the initial model (artifacts, a model version or a checkpoint), stores it as version 0. */
  async create(input: CreateFederationInput): Promise<FederationRecord> {
    const quorum = input.quorum ?? input.sitesPerRound;
    if (quorum > input.sitesPerRound) {
      throw new BadRequestException(`quorum (${quorum}) must not exceed sitesPerRound (${input.sitesPerRound})`);
    }
    if (input.minUpdatesAtDeadline > quorum) {
      throw new BadRequestException(
        `minUpdatesAtDeadline (${input.minUpdatesAtDeadline}) must not exceed quorum (${quorum})`,
      );
    }
    if (await this.federations.getByName(input.name)) {
      throw new ConflictException(`a federation named "${input.name}" already exists`);
    }
    const siteIds = await this.membership.checkInitialMembers(input.siteIds, input.minUpdatesAtDeadline);
    const initial = await this.initialModels.choose(input.modelConfigName, input.initialModel);
    const plain: Omit<FederationConfigRecord, 'privacy'> = {
      strategy: input.strategy,
      rounds: input.rounds,
      sitesPerRound: input.sitesPerRound,
      quorum,
      minUpdatesAtDeadline: input.minUpdatesAtDeadline,
      maxConsecutiveFailedRounds: input.maxConsecutiveFailedRounds,
      deadlineSeconds: input.deadlineSeconds,
      localSteps: input.localSteps,
      learningRate: input.learningRate,
      model: initial.model,
      strategyParams: definedOnly({ ...(input.strategyParams ?? {}) }),
      trainingData: input.trainingData,
    };
    const config: FederationConfigRecord = { ...plain, privacy: resolvePrivacy(input, plain) };
    try {
      // Builds the strategy once now, so bad parameters fail here and not at the first aggregation.
      assertCompatibleOptions(config);
      createStrategy(toStrategyConfig(config));
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw new BadRequestException(error.message);
      throw error;
    }
    const now = Date.now();
    const federation: FederationRecord = {
      id: randomUUID(),
      name: input.name,
      status: 'CREATED',
      config,
      createdAt: now,
      startedAt: null,
      endedAt: null,
      statusReason: null,
    };
    const versionId = randomUUID();
    const bytes = new Uint8Array(initial.weights.buffer, initial.weights.byteOffset, initial.weights.byteLength);
    const stored = await this.store.writeAtomic(modelVersionFile(federation.id, 0, versionId), bytes);
    federation.config.initialModel = { ...initial.source, sha256: stored.sha256 };
    await this.federations.create(
      federation,
      {
        id: versionId,
        federationId: federation.id,
        roundIndex: 0,
        sha256: stored.sha256,
        sizeBytes: stored.sizeBytes,
        file: stored.file,
        metrics: {},
        createdAt: now,
      },
      { siteIds, at: now, reason: 'named at creation' },
    );
    return federation;
  }

  async start(id: string): Promise<FederationRecord> {
    const { from, to } = FEDERATION_ACTIONS.start;
    const started = await this.federations.transition(id, from, to, { startedAt: Date.now() });
    if (!started) throw await this.refusal(id, 'start');
    await this.orchestrator.federationStarted(started);
    return started;
  }

  async pause(id: string, reason?: string): Promise<FederationRecord> {
    const { from, to } = FEDERATION_ACTIONS.pause;
    const paused = await this.federations.transition(id, from, to, { statusReason: reason ?? 'paused' });
    if (!paused) throw await this.refusal(id, 'pause');
    await this.orchestrator.federationPaused(paused);
    return paused;
  }

  async resume(id: string): Promise<FederationRecord> {
    const { from, to } = FEDERATION_ACTIONS.resume;
    const resumed = await this.federations.transition(id, from, to, { statusReason: null });
    if (!resumed) throw await this.refusal(id, 'resume');
    await this.orchestrator.federationResumed(resumed);
    return resumed;
  }

  async cancel(id: string, reason?: string): Promise<FederationRecord> {
    const cancelled = await this.orchestrator.cancel(id, reason ?? 'cancelled by an administrator');
    if (!cancelled) throw await this.refusal(id, 'cancel');
    return cancelled;
  }

  private async refusal(id: string, action: FederationActionName): Promise<Error> {
    const current = await this.get(id);
    const { from } = FEDERATION_ACTIONS[action];
    const expected = from.length > 1 ? `${from.slice(0, -1).join(', ')} or ${from.at(-1)}` : from[0];
    return new ConflictException(
      `cannot ${action} federation ${current.name} (${id}): it is ${current.status}, and ${action} needs ${expected}`,
    );
  }
}

function definedOnly(params: StrategyParamsRecord): StrategyParamsRecord {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== null));
}
