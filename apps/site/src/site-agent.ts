/**
 * The hospital agent: connects out to the coordinator, asks for work, trains on its own cases and sends back
 * weights and numbers. The loop reads like the protocol:
 *
 *   authenticate → loop { nextTask (long poll) → TRAIN: download global model (sha256-checked) → train locally →
 *   validate → upload update (+ samples, metrics) | WAIT: ask again | FINISHED: exit }
 *
 * With a federation named, the coordinator answers a waiting poll as soon as that federation changes status: a
 * pause is logged and the agent keeps waiting; completed or cancelled comes back as FINISHED and the agent exits.
 *
 * Every coordinator call is retried with jittered exponential back-off, so a coordinator restart is a pause, not a
 * failure. Progress of the current round is journaled on disk, so an agent restart resumes the same participation
 * (the coordinator hands it back) from its checkpoint or re-uploads its finished update. What the site learns across
 * rounds (SCAFFOLD's c_i, FedBN's local norms) lives in its learning state and advances when an update is accepted.
 */
import { join } from 'node:path';
import { describePreprocessing, preprocessingOf, type PreprocessingSpec } from '@fedstroke/isles';
import { TrainingSession } from '@fedstroke/runtime';
import { parameterRanges, rangesSize } from '@fedstroke/federation';
import { isDetectionMetric } from '@fedstroke/metrics';
import { TrainingAbortedError } from '@fedstroke/training';
import { instanceNormParameterNames } from '@fedstroke/unet';
import type { SiteAgentConfig } from './config/site-config';
import { loadSiteDataset, SiteDataError, type SiteDataset } from './data/site-dataset';
import { SiteLogger } from './logging/site-logger';
import { runSecureRound, type SecureRoundOutcome } from './privacy/secure-round';
import { secureInput } from './privacy/secure-input';
import { SiteLearningState } from './state/learning-state';
import { type LearningCommit, RoundJournal } from './state/round-journal';
import { type LocalRoundOptions, trainLocalRound } from './training/local-round';
import { backoffDelayMs, sleep, withRetry, type BackoffPolicy } from './transport/backoff';
import { CoordinatorClient, type SiteIdentity, type UpdatePayload } from './transport/coordinator-client';
import { coordinatorDispatcher } from './transport/tls-dispatcher';
import type { FederationStatus, SiteTask, TrainingTask } from './transport/site-task';
import { CoordinatorCallError, ModelIntegrityError } from './transport/transport-errors';

export type AgentExitReason = 'finished' | 'stopped';

export interface AgentExit {
  reason: AgentExitReason;
  roundsCompleted: number;
  /** For 'finished': how the federation ended (COMPLETED, CANCELLED, ...), as the coordinator said. */
  federationStatus?: FederationStatus;
}

const MODEL_DOWNLOAD_ATTEMPTS = 3;
const KEEP_ROUND_FOLDERS = 4;

export class SiteAgent {
  private readonly client: CoordinatorClient;
  private readonly journal: RoundJournal;
  private readonly learning: SiteLearningState;
  private readonly policy: BackoffPolicy;
  private session: { name: string; session: TrainingSession } | null = null;
  private dataset: { preprocessing: string; data: SiteDataset } | null = null;
  private roundsCompleted = 0;
  /** The last global model downloaded (checked against its sha256 then), by model version. */
  private lastGlobal: { versionId: string; weights: Float32Array } | null = null;
  /** Who the coordinator says this agent is (currentSite): the id secure aggregation's messages carry. */
  private siteId = '';

  constructor(
    private readonly config: SiteAgentConfig,
    private readonly log: SiteLogger = new SiteLogger(config.logLevel),
  ) {
    this.client = new CoordinatorClient(config.coordinatorUrl, config.token, coordinatorDispatcher(config.tls));
    this.journal = new RoundJournal(config.stateDir);
    this.learning = new SiteLearningState(config.stateDir);
    this.policy = {
      baseMs: config.retryBaseMs,
      maxMs: config.retryMaxMs,
      giveUpAfterMs: config.giveUpAfterSeconds * 1000,
    };
  }

  /** Serves until the federation named in the config has ended, or `signal` aborts (SIGTERM). */
  async run(signal: AbortSignal): Promise<AgentExit> {
    try {
      const site = await this.authenticate(signal);
      this.siteId = site.id;
      this.log.bind({ siteId: site.id, site: site.name });
      this.log.event('info', 'site.started', {
        coordinator: this.config.coordinatorUrl,
        dataDir: this.config.dataDir,
        federationId: this.config.federationId ?? null,
      });
      let idle = 0;
      let lastStatus: FederationStatus | null = null;
      while (!signal.aborted) {
        const task = await this.retry(
          'nextTask',
          () => this.client.nextTask(this.config.federationId, this.config.longPollSeconds, signal),
          signal,
        );
        if (task.kind === 'FINISHED') {
          this.log.event('info', 'site.federation_finished', this.statusFields(task));
          const federationStatus = task.federationStatus ?? undefined;
          return { reason: 'finished', roundsCompleted: this.roundsCompleted, federationStatus };
        }
        // Not started, paused, resumed: one line when it changes; the agent keeps waiting either way.
        if (task.kind === 'WAIT' && task.federationStatus !== lastStatus)
          this.log.event('info', 'site.federation_status', this.statusFields(task));
        lastStatus = task.federationStatus;
        if (task.kind === 'TRAIN' && task.training) {
          idle = 0;
          await this.work(task.training, signal);
          continue;
        }
        // WAIT after a long poll: ask again soon; without long polling, when the coordinator says.
        const waitMs =
          this.config.longPollSeconds > 0
            ? 200 + backoffDelayMs(idle++, { baseMs: 200, maxMs: 2000 }, Math.random())
            : task.retryAfterSeconds * 1000;
        await sleep(waitMs, signal);
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    } finally {
      await this.session?.session.release();
      this.session = null;
    }
    this.log.event('info', 'site.stopped', { roundsCompleted: this.roundsCompleted });
    return { reason: 'stopped', roundsCompleted: this.roundsCompleted };
  }

  private statusFields(task: SiteTask): Record<string, string | null> {
    return {
      federationId: task.training?.federationId ?? this.config.federationId ?? null,
      federationStatus: task.federationStatus,
      reason: task.reason,
    };
  }

  private authenticate(signal: AbortSignal): Promise<SiteIdentity> {
    return this.retry('currentSite', () => this.client.currentSite(signal), signal);
  }

  /** One assignment, start to finish; failures of this round are reported, never fatal to the agent. */
  private async work(task: TrainingTask, signal: AbortSignal): Promise<void> {
    const fields = {
      federationId: task.federationId,
      roundIndex: task.roundIndex,
      participationId: task.participationId,
    };
    this.log.event('info', 'round.assigned', { ...fields, localSteps: task.localSteps, deadlineAt: task.deadlineAt });
    let journaled: { update: UpdatePayload; commit: LearningCommit } | null;
    try {
      journaled = await this.journal.loadUpdate(task.participationId);
      if (journaled) this.log.event('info', 'round.update_recovered', fields);
      else journaled = await this.train(task, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof TrainingAbortedError) {
        this.log.event('warn', 'round.deadline_passed', { ...fields, step: error.step });
        return;
      }
      if (error instanceof CoordinatorCallError && error.isAuthFailure) throw error;
      await this.reportFailure(task, error, signal);
      return;
    }
    const { update, commit } = journaled;
    const outcome = task.privacy.secureAggregation
      ? await this.secureRound(task, update, signal)
      : await this.retry('uploadUpdate', () => this.client.uploadUpdate(task, update, signal), signal);
    const accepted = outcome.kind === 'ACCEPTED' || outcome.kind === 'ALREADY_ACCEPTED';
    // Before the outcome is recorded: a crash in between commits the same values again after the re-upload.
    if (accepted) await this.commitLearning(task, commit);
    await this.journal.recordOutcome(task.participationId, outcome);
    await this.journal.prune(KEEP_ROUND_FOLDERS);
    this.logOutcome(outcome, { ...fields, numSamples: update.numSamples, ...roundFigures(update.metrics) });
    if (accepted) this.roundsCompleted++;
  }

  /**
   * A secure round: the clipped, weighted (and under DP, noised) delta is encoded and masked here, and only the
   * masked input leaves the site. The round's keys live in memory, so a site that lost them (restarted mid-round)
   * or that the coordinator refuses is out of this round, not out of the federation.
   */
  private async secureRound(
    task: TrainingTask,
    update: UpdatePayload,
    signal: AbortSignal,
  ): Promise<SecureRoundOutcome> {
    const global = await this.globalModel(task, signal);
    const input = secureInput(task, global, update.weights, update.numSamples);
    const fields = { federationId: task.federationId, roundIndex: task.roundIndex };
    this.log.event('info', 'secagg.input_encoded', {
      ...fields,
      deltaNorm: input.deltaNorm,
      clipped: input.clipped,
      clamped: input.clamped,
    });
    try {
      return await runSecureRound(task, input, update, {
        client: this.client,
        siteId: this.siteId,
        log: this.log,
        signal,
        longPollSeconds: this.config.longPollSeconds,
        retry: (operation, call) => this.retry(operation, call, signal),
      });
    } catch (error) {
      if (!(error instanceof CoordinatorCallError) || error.retryable || error.isAuthFailure) throw error;
      return { kind: 'EXCLUDED', reason: error.message };
    }
  }

  private async train(
    task: TrainingTask,
    signal: AbortSignal,
  ): Promise<{ update: UpdatePayload; commit: LearningCommit }> {
    const session = await this.sessionFor(task);
    const dataset = await this.datasetFor(preprocessingOf(session.manifest, task.modelConfigName).spec);
    const globalWeights = await this.globalModel(task, signal);
    const learning = await this.learningInputs(task, session, signal);
    const resumeFrom = await this.journal.resumableCheckpoint(task.participationId);
    const fields = { federationId: task.federationId, roundIndex: task.roundIndex };
    this.log.event('info', 'round.training', {
      ...fields,
      totalRounds: task.totalRounds,
      trainCases: dataset.train.length,
      valCases: dataset.val.length,
      resumedFrom: resumeFrom ?? null,
    });
    // Work past the deadline would be refused as late: stop between steps instead.
    const untilDeadline = Math.max(0, Date.parse(task.deadlineAt) - Date.now());
    const result = await trainLocalRound({
      task,
      globalWeights,
      ...learning,
      session,
      dataset,
      config: this.config,
      checkpointDir: this.journal.checkpointDir(task.participationId),
      resumeFrom,
      signal: AbortSignal.any([signal, AbortSignal.timeout(untilDeadline)]),
      onStep: (step, loss) => this.log.event('debug', 'round.step', { ...fields, step, loss }),
    });
    await this.journal.saveUpdate(task.participationId, result.update, result.commit);
    return result;
  }

  /** SCAFFOLD's c (downloaded) and c_i, and FedBN's local norms, as far as the task asks for them. */
  private async learningInputs(
    task: TrainingTask,
    session: TrainingSession,
    signal: AbortSignal,
  ): Promise<Pick<LocalRoundOptions, 'scaffold' | 'localNorms'>> {
    const { manifest } = session;
    const layout = { parameterLayoutSha256: task.parameterLayoutSha256 };
    const inputs: Pick<LocalRoundOptions, 'scaffold' | 'localNorms'> = {};
    if (task.controlVariatePath) {
      const serverControl = await this.download(
        'downloadControlVariate',
        () => this.client.downloadControlVariate(task, signal),
        signal,
      );
      const stored = await this.learning.read(task.federationId, 'scaffold-control', {
        ...layout,
        length: task.parameterCount,
      });
      inputs.scaffold = { serverControl, siteControl: stored?.values ?? new Float32Array(task.parameterCount) };
    }
    if (task.localNorms) {
      const ranges = parameterRanges(manifest.parameters, instanceNormParameterNames(manifest.config));
      const stored = await this.learning.read(task.federationId, 'local-norms', {
        ...layout,
        length: rangesSize(ranges),
      });
      inputs.localNorms = { ranges, values: stored?.values ?? null };
    }
    return inputs;
  }

  private async commitLearning(task: TrainingTask, commit: LearningCommit): Promise<void> {
    const tag = { parameterLayoutSha256: task.parameterLayoutSha256, roundIndex: task.roundIndex };
    for (const [name, values] of Object.entries(commit) as Array<[keyof LearningCommit, Float32Array]>) {
      await this.learning.write(task.federationId, name, values, tag);
    }
  }

  /** The round's global model; a secure round needs it again after training (its delta is masked), not downloaded twice. */
  private async globalModel(task: TrainingTask, signal: AbortSignal): Promise<Float32Array> {
    if (this.lastGlobal?.versionId === task.baseModelVersionId) return this.lastGlobal.weights;
    const weights = await this.download('downloadModel', () => this.client.downloadModel(task, signal), signal);
    this.lastGlobal = { versionId: task.baseModelVersionId, weights };
    return weights;
  }

  private async download(
    operation: string,
    fetchBody: () => Promise<Float32Array>,
    signal: AbortSignal,
  ): Promise<Float32Array> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.retry(operation, fetchBody, signal);
      } catch (error) {
        if (!(error instanceof ModelIntegrityError) || attempt >= MODEL_DOWNLOAD_ATTEMPTS) throw error;
        this.log.event('warn', 'model.integrity_retry', { attempt, message: error.message });
      }
    }
  }

  /**
   * The training session of the task's model, created once and kept while the model config stays the same. The
   * artifacts are read (and their hashes checked) once, by the session; its manifest must match the task's layout.
   */
  private async sessionFor(task: TrainingTask): Promise<TrainingSession> {
    if (this.session?.name !== task.modelConfigName) {
      const dir = join(this.config.artifactsRoot, task.modelConfigName);
      await this.session?.session.release();
      this.session = null;
      const session = await TrainingSession.create(dir, {
        provider: this.config.provider,
        intraOpNumThreads: this.config.threads,
      });
      const { manifest } = session;
      if (
        manifest.parameterLayoutSha256 !== task.parameterLayoutSha256 ||
        manifest.parameterCount !== task.parameterCount
      ) {
        await session.release();
        throw new SiteDataError(
          `${dir}: local model "${task.modelConfigName}" has layout ${manifest.parameterLayoutSha256.slice(0, 12)}… with ` +
            `${manifest.parameterCount} parameters; the federation trains ${task.parameterLayoutSha256.slice(0, 12)}… with ` +
            `${task.parameterCount} (regenerate the artifacts with the coordinator's version)`,
        );
      }
      this.session = { name: task.modelConfigName, session };
    }
    return this.session.session;
  }

  /** The site's cases prepared for a model; loaded again only when a model with other preprocessing comes. */
  private async datasetFor(preprocessing: PreprocessingSpec): Promise<SiteDataset> {
    const key = describePreprocessing(preprocessing);
    if (this.dataset?.preprocessing !== key) {
      const data = await loadSiteDataset(this.config.dataDir, { preprocessing, seed: this.config.seed });
      this.log.event('info', 'site.data_loaded', {
        trainCases: data.train.length,
        valCases: data.val.length,
        split: data.splitSource,
      });
      this.dataset = { preprocessing: key, data };
    }
    return this.dataset.data;
  }

  private async reportFailure(task: TrainingTask, error: unknown, signal: AbortSignal): Promise<void> {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.log.event('error', 'round.failed', { federationId: task.federationId, roundIndex: task.roundIndex, reason });
    try {
      await this.retry('reportFailure', () => this.client.reportFailure(task.roundId, reason, signal), signal);
    } catch (reportError) {
      if (reportError instanceof CoordinatorCallError && !reportError.retryable && !reportError.isAuthFailure) {
        // The round closed meanwhile (CONFLICT) or is gone: nothing left to free.
        this.log.event('warn', 'round.failure_not_recorded', { message: reportError.message });
        return;
      }
      throw reportError;
    }
  }

  private logOutcome(outcome: SecureRoundOutcome, fields: Record<string, string | number>): void {
    if (outcome.kind === 'ACCEPTED' || outcome.kind === 'ALREADY_ACCEPTED')
      this.log.event('info', 'update.accepted', { ...fields, outcome: outcome.kind });
    else this.log.event('warn', `update.${outcome.kind.toLowerCase()}`, { ...fields, reason: outcome.reason });
  }

  private retry<T>(operation: string, call: () => Promise<T>, signal: AbortSignal): Promise<T> {
    return withRetry(operation, call, this.policy, {
      signal,
      onRetry: ({ attempt, delayMs, error }) =>
        this.log.event(attempt === 0 ? 'info' : 'warn', 'coordinator.retry', {
          operation,
          attempt: attempt + 1,
          delayMs,
          status: error.status ?? null,
          message: error.message,
        }),
    });
  }
}

/** The update's metrics without the detection grid's figures (some 90 numbers that would drown the log line). */
function roundFigures(metrics: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([name]) => !isDetectionMetric(name)));
}
