/**
 * The federated part of a simulation, through the real deployment pieces: a coordinator process, one site agent
 * process per site (each given only its own folder), the federation created and started over GraphQL, followed
 * over the roundProgress subscription, and the final global model downloaded over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { RoundRow } from '@fedstroke/report';
import type { ModelProvenance } from '@fedstroke/runtime';
import { fetchModelVersionInfo } from '../models/coordinator-model';
import { AdminClient, roundStatusCurl, type RoundView } from './admin-client';
import { logPath, type ManagedProcess, startCoordinatorProcess, startSiteProcess } from './child-process';
import { siteStateDir } from './personalised-evaluation';
import { ProgressMonitor } from './progress-monitor';
import { throwawayPki } from './run-pki';
import type { SiteFolder } from './site-folders';
import { privacyInputs } from './run-privacy';
import type { SimulationOptions } from './simulation-options';

export interface FederationOutcome {
  federationId: string;
  federationName: string;
  status: string;
  graphqlUrl: string;
  dashboardUrl: string;
  rounds: RoundRow[];
  /** ε of the final model (null: no DP at that level) and why the federation ended, as the coordinator says. */
  privacy: { epsilon: number | null; sampleEpsilon: number | null; statusReason: string | null };
  finalWeights: Float32Array;
  finalRound: number;
  /** The final global model's version id and how the coordinator says it was trained. */
  finalModel: { versionId: string; training: ModelProvenance };
  /** Still running when the caller asked to keep serving. */
  coordinator: ManagedProcess;
}

const STATUS_POLL_MS = 5000;
const FINAL_STATUSES = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

export async function runFederation(
  options: SimulationOptions,
  context: {
    runId: string;
    runDir: string;
    port: number;
    folders: SiteFolder[];
    synthetic: boolean;
    say: (line: string) => void;
  },
): Promise<FederationOutcome> {
  const { runDir, folders, say } = context;
  const adminToken = randomBytes(24).toString('hex');
  // For watching the run in the dashboard: sees everything, changes nothing.
  const readonlyToken = randomBytes(24).toString('hex');
  const pki = options.tls ? await throwawayPki(runDir, context.runId) : null;
  const {
    process: coordinator,
    url,
    dashboardUrl,
  } = await startCoordinatorProcess({
    dataDir: join(runDir, 'coordinator'),
    artifactsRoot: options.artifactsRoot,
    adminToken,
    port: context.port,
    anyPortIfTaken: options.port === undefined,
    logFile: logPath(runDir, 'coordinator'),
    env: { FEDSTROKE_READONLY_TOKEN: readonlyToken, ...pki?.coordinatorEnv },
  });
  const sites: ManagedProcess[] = [];
  try {
    const admin = new AdminClient(url, adminToken, pki?.dispatcher);
    const registered: Array<{ folder: SiteFolder; id: string; name: string; token: string }> = [];
    for (const folder of folders) registered.push({ folder, ...(await admin.registerSite(folder.name)) });
    const federationName = context.runId;
    const federationId = await admin.createFederation({
      name: federationName,
      siteIds: registered.map((site) => site.id),
      modelConfigName: options.config,
      rounds: options.rounds,
      sitesPerRound: folders.length,
      quorum: folders.length,
      minUpdatesAtDeadline: Math.max(1, folders.length - 1),
      deadlineSeconds: options.deadlineSeconds,
      localSteps: options.localSteps,
      learningRate: options.learningRate,
      strategy: options.strategy,
      strategyParams: strategyParams(options),
      trainingData: context.synthetic ? 'SYNTHETIC' : 'REAL',
      ...privacyInputs(options, folders.length),
    });
    for (const site of registered) {
      const child = startSiteProcess({
        name: site.folder.name,
        coordinatorUrl: url,
        token: site.token,
        dataDir: site.folder.dir,
        artifactsRoot: options.artifactsRoot,
        stateDir: siteStateDir(runDir, site.folder.name),
        federationId,
        logFile: logPath(runDir, `site-${site.folder.name}`),
        extraArgs: [
          '--threads',
          String(options.siteThreads),
          '--batch',
          String(options.batchSize),
          '--patch',
          options.patchSize.join('x'),
          '--seed',
          String(options.seed),
          '--validate-every',
          String(options.validateEveryRounds),
          // The report's learning curve is the global model's: sites also score the aggregate they receive, every
          // n-th one (one more validation pass every n rounds), beside their local model (the per-site curves).
          '--curve-model',
          'both',
          '--provider',
          options.provider,
        ],
        env: { FEDSTROKE_SITE_WARMUP: String(options.warmupSteps), ...(await pki?.siteEnv(site)) },
      });
      child.exited.then(({ code }) => {
        if (code !== 0 && code !== null)
          say(`site ${site.folder.name} exited with code ${code}; see ${child.options.logFile}`);
      });
      sites.push(child);
    }
    say(`coordinator GraphQL endpoint: ${url}/graphql (federation ${federationId})`);
    if (pki) {
      say(
        `mutual TLS: run CA ${pki.paths.caCertificate} (throwaway; curl --cacert it, or trust it in the browser ` +
          `for the dashboard); each site presents its own certificate from ${pki.paths.dir}/sites`,
      );
    }
    say(`dashboard: ${dashboardUrl}#/federations/${federationId} (read-only token: ${readonlyToken})`);
    say(
      `round status: FEDSTROKE_ADMIN_TOKEN=${adminToken} ${roundStatusCurl(url, federationId, undefined, pki?.paths.caCertificate)}`,
    );
    const monitor = new ProgressMonitor({
      url,
      token: adminToken,
      federationId,
      rounds: options.rounds,
      siteNames: new Map(registered.map((s) => [s.id, s.name])),
      silent: options.silent,
      caPem: pki?.caPem,
    });
    await admin.startFederation(federationId);
    const status = await waitForEnd(admin, federationId, monitor, coordinator);
    await monitor.close();
    const view = await admin.federation(federationId);
    const rounds = (await admin.rounds(federationId)).map((round) => toRoundRow(round, registered));
    if (!view.latestModelVersion) throw new Error(`federation ${federationId} has no model version`);
    const finalWeights = await admin.downloadModel(view.latestModelVersion.id);
    const { training } = await fetchModelVersionInfo(url, view.latestModelVersion.id, adminToken, pki?.dispatcher);
    return {
      federationId,
      federationName,
      status,
      graphqlUrl: `${url}/graphql`,
      dashboardUrl,
      rounds,
      privacy: {
        epsilon: view.privacy.epsilon ?? null,
        sampleEpsilon: view.privacy.sampleEpsilon ?? null,
        statusReason: view.statusReason ?? null,
      },
      finalWeights,
      finalRound: view.latestModelVersion.roundIndex,
      finalModel: { versionId: view.latestModelVersion.id, training },
      coordinator,
    };
  } catch (error) {
    await coordinator.stop();
    throw error;
  } finally {
    // Idle once the federation has ended (an agent exits by itself at its next nextTask; no need to wait for it).
    await Promise.all(sites.map((s) => s.stop()));
    await pki?.dispatcher.close();
  }
}

/** Until the subscription or a status poll says the federation ended; fails if the coordinator dies. */
async function waitForEnd(
  admin: AdminClient,
  federationId: string,
  monitor: ProgressMonitor,
  coordinator: ManagedProcess,
): Promise<string> {
  let done = false;
  const poll = (async () => {
    while (!done) {
      await delay(STATUS_POLL_MS);
      const status = await admin.federation(federationId).then(
        (f) => f.status,
        () => null,
      );
      if (status && FINAL_STATUSES.has(status)) monitor.markFinished(status);
    }
  })();
  const died = new Promise<never>((_, reject) => {
    void coordinator.exited.then(({ code, signal }) => {
      if (!done)
        reject(
          new Error(
            `the coordinator exited (code ${code}, signal ${signal}) mid-federation; see ${coordinator.options.logFile}`,
          ),
        );
    });
  });
  died.catch(() => undefined);
  try {
    return await Promise.race([monitor.finished, died]);
  } finally {
    done = true;
    void poll;
  }
}

function toRoundRow(round: RoundView, sites: Array<{ id: string; name: string }>): RoundRow {
  const metrics = (list: Array<{ name: string; value: number }>) =>
    Object.fromEntries(list.map((m) => [m.name, m.value]));
  const ended = round.endedAt ? Date.parse(round.endedAt) : NaN;
  return {
    index: round.index,
    status: round.status,
    durationSeconds: Number.isFinite(ended) ? (ended - Date.parse(round.startedAt)) / 1000 : null,
    metrics: metrics(round.metrics),
    ...((round.privacy.secureAggregation || round.privacy.delta !== null) && {
      privacy: {
        secureAggregation: round.privacy.secureAggregation,
        survivors: round.privacy.survivors ?? null,
        epsilon: round.privacy.epsilon ?? null,
        sampleEpsilon: round.privacy.sampleEpsilon ?? null,
        delta: round.privacy.delta ?? null,
      },
    }),
    participants: round.participants.map((p) => ({
      site: sites.find((s) => s.id === p.siteId)?.name ?? p.siteId,
      status: p.status,
      numSamples: p.numSamples,
      metrics: metrics(p.metrics),
      rejectionReason: p.rejectionReason,
    })),
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** The strategy knobs the command line set; the coordinator applies its defaults to the rest. */
function strategyParams(options: SimulationOptions): Record<string, number | boolean> {
  return {
    ...(options.localNorms && { localNorms: true }),
    ...(options.selectDetection && { detectionSelection: true }),
    ...(options.proximalMu !== undefined && { proximalMu: options.proximalMu }),
    ...(options.serverLearningRate !== undefined && { serverLearningRate: options.serverLearningRate }),
    ...(options.serverMomentum !== undefined && { serverMomentum: options.serverMomentum }),
  };
}
