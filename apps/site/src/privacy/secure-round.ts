/**
 * The site's side of one secure round, after local training: advertise keys, share them, mask and upload the
 * input, answer the unmasking request. The round's private keys and the shares sent to this site live only here,
 * in memory (a restarted agent is a dropout for the round), and the SecureAggregationSite refuses any unmasking
 * request that could reveal both secrets of one site, whatever the coordinator asks.
 */
import { SecureAggregationError, SecureAggregationSite } from '@fedstroke/federation';
import type { SiteLogger } from '../logging/site-logger';
import type { CoordinatorClient, UploadOutcome } from '../transport/coordinator-client';
import type { SecureAggregationStep, SecureRoundViewFragment } from '../transport/coordinator-operations.generated';
import type { TrainingTask } from '../transport/site-task';
import type { SecureInput } from './secure-input';

export type SecureRoundOutcome = UploadOutcome | { kind: 'EXCLUDED'; reason: string };

export interface SecureRoundContext {
  client: CoordinatorClient;
  siteId: string;
  log: SiteLogger;
  signal: AbortSignal;
  longPollSeconds: number;
  /** Wraps each coordinator call in the agent's retry policy. */
  retry: <T>(operation: string, call: () => Promise<T>) => Promise<T>;
}

const ORDER: Record<SecureAggregationStep, number> = {
  ADVERTISE: 0,
  SHARE: 1,
  MASK: 2,
  UNMASK: 3,
  UNMASKED: 4,
  FAILED: 5,
};

export async function runSecureRound(
  task: TrainingTask,
  input: SecureInput,
  report: { numSamples: number; metrics: Record<string, number> },
  context: SecureRoundContext,
): Promise<SecureRoundOutcome> {
  const { client, retry, signal } = context;
  const secure = task.privacy.secureAggregation;
  if (!secure) throw new Error(`round ${task.roundIndex} is not a secure round`);
  const site = new SecureAggregationSite(context.siteId, {
    roundId: task.roundId,
    threshold: secure.threshold,
    degree: null,
    length: secure.length,
  });
  const fields = { federationId: task.federationId, roundIndex: task.roundIndex };

  await retry('advertiseKeys', () => client.advertiseKeys(task.roundId, site.advertise(), signal));
  let view = await waitFor('SHARE', task, context);
  if (!view.included) return excluded(view, 'not in the roster');
  await retry('submitShares', () => client.submitShares(task.roundId, site.shareKeys(view.roster ?? []), signal));

  view = await waitFor('MASK', task, context);
  if (!view.included) return excluded(view, 'its keys were not shared in time');
  site.receiveShares(view.incomingShares ?? []);
  const masked = site.maskInput(input.words);
  const outcome = await retry('uploadMaskedInput', () => client.uploadMaskedInput(task, masked, report, signal));
  if (outcome.kind !== 'ACCEPTED' && outcome.kind !== 'ALREADY_ACCEPTED') return outcome;

  view = await waitFor('UNMASK', task, context);
  if (!view.included || !view.unmaskRequest) {
    context.log.event('warn', 'secagg.not_asked_to_unmask', { ...fields, step: view.step, reason: view.failureReason });
    return outcome;
  }
  try {
    const answer = site.answerUnmask(view.unmaskRequest);
    await retry('submitUnmask', () => client.submitUnmask(task.roundId, answer, signal));
    context.log.event('info', 'secagg.unmask_answered', {
      ...fields,
      survivors: view.unmaskRequest.survivors.length,
      dropped: view.unmaskRequest.dropped.length,
    });
  } catch (error) {
    if (!(error instanceof SecureAggregationError)) throw error;
    // An honest site says no, loudly: the request could have unmasked one site's update.
    context.log.event('error', 'secagg.unmask_refused', { ...fields, code: error.code, reason: error.message });
  }
  return outcome;
}

/** Long-polls until the round reaches `step` (or failed); gives up a little after the step's own deadline. */
async function waitFor(
  step: SecureAggregationStep,
  task: TrainingTask,
  context: SecureRoundContext,
): Promise<SecureRoundViewFragment> {
  const secure = task.privacy.secureAggregation;
  const patienceMs = Math.max(Date.parse(task.deadlineAt) - Date.now(), 0) + 3 * (secure?.stepSeconds ?? 120) * 1000;
  const until = Date.now() + patienceMs;
  for (;;) {
    const wait = Math.max(1, context.longPollSeconds);
    const view = await context.retry('secureAggregation', () =>
      context.client.secureRound(task.roundId, step, wait, context.signal),
    );
    if (ORDER[view.step] >= ORDER[step]) return view;
    if (Date.now() > until) return { ...view, included: false, failureReason: `gave up waiting for step ${step}` };
  }
}

function excluded(view: SecureRoundViewFragment, why: string): SecureRoundOutcome {
  return { kind: 'EXCLUDED', reason: view.failureReason ?? `this site is out of the secure round: ${why}` };
}
