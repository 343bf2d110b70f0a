/**
 * A RoundOrchestrator for unit specs: in-memory repositories, real weight files in a temp folder, the real
 * aggregation, norm bounds, progress events, privacy services and metrics. Only the edges are stand-ins: secure
 * aggregation (a plain federation never asks it), the serving policy (records which federations completed) and the
 * log (kept as parsed events). Each site update is a real file, hashed and accepted as the upload path would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLogger } from '../../logging/json-logger';
import { MetricsService } from '../../metrics/metrics.service';
import { inMemoryRepositories, type MemoryRepositories } from '../../persistence/testing/in-memory-repositories';
import {
  type FederationConfigRecord,
  type FederationRecord,
  newAssignment,
  type ParticipationRecord,
  type RoundRecord,
} from '../../persistence/records';
import { PrivacyAccountant } from '../../privacy/privacy-accountant.service';
import { PrivateAggregator } from '../../privacy/private-aggregator';
import { PrivateRounds } from '../../privacy/private-rounds.service';
import type { SecureAggregationService } from '../../privacy/secure-aggregation/secure-aggregation.service';
import { ProgressPublisher } from '../../rounds/progress-publisher.service';
import { RoundEventsService } from '../../rounds/round-events.service';
import type { ServingModels } from '../../serving/serving-models.service';
import { WeightsStore } from '../../storage/weights-store';
import { FederationAggregator } from '../federation-aggregator';
import { RoundOrchestrator } from '../round-orchestrator.service';
import { ServerStateStore } from '../server-state.store';
import { UpdateNormBounds } from '../update-norm-bounds';

export const PARAMETERS = 4;
export const SITES = ['s1', 's2', 's3'];

export interface OrchestratorWorld {
  repos: MemoryRepositories;
  store: WeightsStore;
  orchestrator: RoundOrchestrator;
  events: RoundEventsService;
  progress: ProgressPublisher;
  metrics: MetricsService;
  log: JsonLogger;
  secureAggregation: SecureAggregationService;
  /** Every log event, parsed. */
  logged: Array<Record<string, unknown>>;
  /** Federations the serving policy was told completed. */
  completed: string[];
  /** A federation with SITES as members, its initial model (all zeros) as model version v0, in `status`. */
  createFederation(config?: Partial<FederationConfigRecord>, status?: FederationRecord['status']): Promise<string>;
  /** Seats `siteId` in the round, as nextTask does. */
  seat(round: RoundRecord, siteId: string): Promise<ParticipationRecord>;
  /** Stores `weights` as the site's update file and accepts it, as the upload path does. */
  accept(participation: ParticipationRecord, weights: number[], numSamples: number): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Secure aggregation at the edge: a plain federation takes new sites at any time (as the real service answers
 * without reading anything), and anything else asked of it fails loudly, since a plain federation must not ask.
 */
const NO_SECURE_AGGREGATION = new Proxy({} as SecureAggregationService, {
  get: (_target, name) =>
    name === 'takesNewSites'
      ? async (federation: FederationRecord) => {
          if (federation.config.privacy?.secureAggregation) throw new Error('this world has no secure aggregation');
          return true;
        }
      : () => {
          throw new Error(`secure aggregation was asked ${String(name)} for a federation without it`);
        },
});

export async function orchestratorWorld(): Promise<OrchestratorWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fedstroke-orchestrator-'));
  const repos = inMemoryRepositories();
  const store = new WeightsStore(dataDir);
  const logged: Array<Record<string, unknown>> = [];
  const log = new JsonLogger('info', (line) => logged.push(JSON.parse(line)));
  const completed: string[] = [];
  const serving = { federationCompleted: async (id: string) => void completed.push(id) } as unknown as ServingModels;
  const events = new RoundEventsService();
  const progress = new ProgressPublisher(events, repos.federations, repos.rounds, repos.participations);
  const metrics = new MetricsService();
  const privateRounds = new PrivateRounds(
    repos.rounds,
    NO_SECURE_AGGREGATION,
    new PrivateAggregator(),
    new PrivacyAccountant(repos.rounds, repos.participations),
  );
  const orchestrator = new RoundOrchestrator(
    repos.federations,
    repos.members,
    repos.rounds,
    repos.participations,
    repos.modelVersions,
    store,
    new ServerStateStore(store),
    new FederationAggregator(),
    new UpdateNormBounds(repos.rounds),
    progress,
    serving,
    metrics,
    log,
    privateRounds,
  );
  let federations = 0;
  for (const id of SITES) {
    await repos.sites.create({
      id,
      name: id,
      status: 'ACTIVE',
      tokenSha256: id.repeat(20),
      createdAt: 0,
      revokedAt: null,
      lastSeenAt: null,
    });
  }
  return {
    repos,
    store,
    orchestrator,
    events,
    progress,
    metrics,
    log,
    secureAggregation: NO_SECURE_AGGREGATION,
    logged,
    completed,
    async createFederation(config = {}, status = 'RUNNING') {
      const id = `f${++federations}`;
      const initial = await store.writeAtomic(`models/${id}/v0.f32`, new Uint8Array(PARAMETERS * 4));
      await repos.federations.create(
        {
          id,
          name: id,
          status,
          createdAt: 1,
          startedAt: 1,
          endedAt: null,
          statusReason: null,
          config: {
            strategy: 'FEDAVG',
            rounds: 2,
            sitesPerRound: 3,
            quorum: 3,
            minUpdatesAtDeadline: 1,
            deadlineSeconds: 600,
            localSteps: 2,
            learningRate: 0.1,
            model: { name: 'tiny', parameterCount: PARAMETERS, parameterLayoutSha256: 'a'.repeat(64) },
            strategyParams: {},
            ...config,
          },
        },
        { ...initial, id: `${id}-v0`, federationId: id, roundIndex: 0, metrics: {}, createdAt: 1 },
        { siteIds: SITES, at: 1, reason: 'named at creation' },
      );
      return id;
    },
    async seat(round, siteId) {
      const now = Date.now();
      const seat = { id: `${round.id}-${siteId}`, roundId: round.id, federationId: round.federationId, siteId };
      const seated = await repos.participations.assign(
        newAssignment({ ...seat, assignedAt: now, updatedAt: now }),
        Number.MAX_SAFE_INTEGER,
      );
      if (!seated) throw new Error(`site ${siteId} could not take a seat in round ${round.id}`);
      return seated;
    },
    async accept(participation, weights, numSamples) {
      const values = new Float32Array(weights);
      const file = `updates/${participation.id}.f32`;
      const stored = await store.writeAtomic(file, new Uint8Array(values.buffer));
      const receipt = {
        numSamples,
        metrics: { loss: 1 },
        bytesReceived: stored.sizeBytes,
        updateSha256: stored.sha256,
      };
      if (!(await repos.participations.accept(participation.id, Date.now(), { ...receipt, updateFile: file }))) {
        throw new Error(`participation ${participation.id} was not accepted`);
      }
    },
    async dispose() {
      await orchestrator.onModuleDestroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
