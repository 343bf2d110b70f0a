/**
 * What a site agent asks for: its next unit of work. Sites only connect out, so work is pulled: `next` returns
 * the site's current assignment (a restarted agent resumes it), else assigns the site to an open round that still
 * has room, else waits (long poll) until a round opens or the wait runs out. A poll that names its federation also
 * returns as soon as that federation changes status (paused, resumed, completed, cancelled), saying so, so an agent
 * learns at once that its federation has ended instead of at the end of its wait.
 */
import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  type OnModuleDestroy,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DEFAULT_DETECTION_GRID } from '@fedstroke/metrics';
import { controlVariatePath, modelDownloadPath, updateBodyBytes, updateUploadPath } from '@fedstroke/protocol';
import type { SitePrincipal } from '../auth/principal';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { JsonLogger } from '../logging/json-logger';
import { MetricsService } from '../metrics/metrics.service';
import { RoundOrchestrator } from '../orchestration/round-orchestrator.service';
import { roundConfigOf, updateParts } from '../orchestration/strategy-config';
import {
  type FederationRecord,
  newAssignment,
  type ParticipationRecord,
  type RoundRecord,
} from '../persistence/records';
import {
  FederationMemberRepository,
  FederationRepository,
  ModelVersionRepository,
  ParticipationRepository,
  RoundRepository,
  SiteRepository,
} from '../persistence/repositories';
import { taskPrivacy } from '../privacy/task-privacy';
import { SecureAggregationService } from '../privacy/secure-aggregation/secure-aggregation.service';
import { ProgressPublisher } from '../rounds/progress-publisher.service';
import { RoundEventsService } from '../rounds/round-events.service';
import type { SiteTask } from './models/site-task.model';

const WAIT_RETRY_SECONDS = 5;
const FINISHED_STATUSES = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

@Injectable()
export class SiteTasksService implements OnModuleDestroy {
  private readonly shutdown = new AbortController();

  constructor(
    private readonly federations: FederationRepository,
    private readonly members: FederationMemberRepository,
    private readonly rounds: RoundRepository,
    private readonly participations: ParticipationRepository,
    private readonly modelVersions: ModelVersionRepository,
    private readonly sites: SiteRepository,
    private readonly events: RoundEventsService,
    private readonly progress: ProgressPublisher,
    private readonly orchestrator: RoundOrchestrator,
    private readonly metrics: MetricsService,
    private readonly config: CoordinatorConfigService,
    private readonly log: JsonLogger,
    private readonly secureAggregation: SecureAggregationService,
  ) {}

  onModuleDestroy(): void {
    // Long polls answer WAIT at once, so shutdown never waits for them.
    this.shutdown.abort();
  }

  async next(site: SitePrincipal, options: { federationId?: string; waitSeconds: number }): Promise<SiteTask> {
    await this.sites.touch(site.siteId, Date.now());
    // Read before the database, so that a wake-up sent while this poll looks is not missed.
    let wakeups = this.events.wakeupCount;
    let federation = await this.named(options.federationId, site);
    const statusAtStart = federation?.status ?? null;
    const waitMs = Math.min(options.waitSeconds, this.config.get('longPollMaxSeconds')) * 1000;
    const until = Date.now() + waitMs;
    while (true) {
      if (federation && FINISHED_STATUSES.has(federation.status)) return answer('FINISHED', federation);
      const task = await this.findOrAssign(site, federation);
      if (task) return task;
      // Every announcement of the orchestrator wakes every poll; only a status change of the named federation
      // (or the end of the wait) answers one without a task.
      const statusChanged = federation !== null && federation.status !== statusAtStart;
      if (statusChanged || until - Date.now() <= 0 || this.shutdown.signal.aborted) {
        return answer('WAIT', federation);
      }
      await this.events.waitForWork(until - Date.now(), this.shutdown.signal, wakeups);
      wakeups = this.events.wakeupCount;
      federation = await this.named(options.federationId, site);
    }
  }

  async reportFailure(site: SitePrincipal, roundId: string, reason: string): Promise<ParticipationRecord> {
    const participation = await this.participations.find(roundId, site.siteId);
    if (!participation) throw new NotFoundException(`site ${site.siteName} has no participation in round ${roundId}`);
    if (!(await this.participations.fail(participation.id, Date.now(), reason))) {
      throw new ConflictException(
        `participation ${participation.id} is ${participation.status}; only an ASSIGNED participation can fail`,
      );
    }
    this.metrics.participations.inc({ status: 'failed' });
    this.log.event('warn', 'site.failed', {
      federationId: participation.federationId,
      roundId,
      siteId: site.siteId,
      reason,
    });
    await this.progress.publish('SITE_FAILED', participation.federationId, roundId, {
      siteId: site.siteId,
      message: reason,
    });
    void this.orchestrator.kick(participation.federationId);
    return (await this.participations.get(participation.id)) as ParticipationRecord;
  }

  /** The federation a poll names, which the site must be a member of. */
  private async named(federationId: string | undefined, site: SitePrincipal): Promise<FederationRecord | null> {
    if (!federationId) return null;
    const federation = await this.federations.get(federationId);
    if (!federation) throw new NotFoundException(`federation ${federationId} does not exist`);
    if (!(await this.members.isMember(federationId, site.siteId))) {
      throw new ForbiddenException(
        `site ${site.siteName} is not a member of federation ${federation.name} (${federationId}); ` +
          'the administrator adds it with addFederationSite',
      );
    }
    return federation;
  }

  /** The site's open assignment or a new one; `named` limits both to that federation. */
  private async findOrAssign(site: SitePrincipal, named: FederationRecord | null): Promise<SiteTask | null> {
    const current = await this.participations.findOpenAssignment(site.siteId);
    if (current && (!named || current.federationId === named.id)) {
      const federation = named ?? ((await this.federations.get(current.federationId)) as FederationRecord);
      if (federation.status !== 'RUNNING') return null;
      return this.trainTask(federation, (await this.rounds.get(current.roundId)) as RoundRecord, current);
    }
    const memberOf = new Set(await this.members.federationsOf(site.siteId));
    const candidates = (named ? [named] : await this.federations.listByStatus('RUNNING')).filter(
      (f) => f.status === 'RUNNING' && memberOf.has(f.id),
    );
    for (const federation of candidates) {
      const round = await this.rounds.latest(federation.id);
      if (round?.status !== 'OPEN' || (await this.participations.find(round.id, site.siteId))) continue;
      // A secure round takes no new site once its roster is fixed: it could not be masked with the others.
      if (!(await this.secureAggregation.takesNewSites(federation, round))) continue;
      const now = Date.now();
      const seat = { roundId: round.id, federationId: federation.id, siteId: site.siteId };
      const assigned = await this.participations.assign(
        newAssignment({ id: randomUUID(), ...seat, assignedAt: now, updatedAt: now }),
        federation.config.sitesPerRound,
      );
      if (!assigned) continue;
      this.metrics.participations.inc({ status: 'assigned' });
      this.log.event('info', 'site.assigned', {
        federationId: federation.id,
        roundIndex: round.index,
        siteId: site.siteId,
      });
      await this.progress.publish('SITE_ASSIGNED', federation.id, round.id, { siteId: site.siteId });
      return this.trainTask(federation, round, assigned);
    }
    return null;
  }

  private async trainTask(
    federation: FederationRecord,
    round: RoundRecord,
    participation: ParticipationRecord,
  ): Promise<SiteTask> {
    const base = await this.modelVersions.get(round.baseModelVersionId);
    if (!base) throw new NotFoundException(`model version ${round.baseModelVersionId} is missing`);
    const { config } = federation;
    // The round's stored configuration is what its sites train with (Strategy.configureRound at open).
    const roundConfig = roundConfigOf(federation, round);
    return {
      kind: 'TRAIN',
      retryAfterSeconds: 0,
      federationStatus: federation.status,
      reason: federation.statusReason,
      training: {
        participationId: participation.id,
        federationId: federation.id,
        federationName: federation.name,
        roundId: round.id,
        roundIndex: round.index,
        totalRounds: config.rounds,
        baseModelVersionId: base.id,
        baseModelSha256: base.sha256,
        modelDownloadPath: modelDownloadPath(base.id),
        updateUploadPath: updateUploadPath(round.id),
        modelConfigName: config.model.name,
        parameterCount: config.model.parameterCount,
        parameterLayoutSha256: config.model.parameterLayoutSha256,
        strategy: config.strategy,
        localSteps: roundConfig.localSteps,
        learningRate: roundConfig.learningRate,
        proximalMu: roundConfig.proximalMu,
        controlVariatePath: config.strategy === 'SCAFFOLD' ? controlVariatePath(base.id) : null,
        localNorms: config.strategyParams.localNorms === true,
        detectionGrid:
          config.strategyParams.detectionSelection && round.index === config.rounds
            ? {
                thresholds: [...DEFAULT_DETECTION_GRID.thresholds],
                minLesionVoxels: [...DEFAULT_DETECTION_GRID.minLesionVoxels],
              }
            : null,
        deadlineAt: new Date(round.deadlineAt),
        maxUpdateBytes:
          updateBodyBytes(config.model.parameterCount, updateParts(config)) + this.config.get('uploadSlackBytes'),
        privacy: await taskPrivacy(federation, round, this.secureAggregation),
      },
    };
  }
}

/** A task without training: WAIT or FINISHED, with the named federation's status and reason when there is one. */
function answer(kind: 'WAIT' | 'FINISHED', federation: FederationRecord | null): SiteTask {
  return {
    kind,
    retryAfterSeconds: kind === 'WAIT' ? WAIT_RETRY_SECONDS : 0,
    training: null,
    federationStatus: federation?.status ?? null,
    reason: federation?.statusReason ?? null,
  };
}
