/**
 * A whole secure-aggregation round with every site in this process, the coordinator's relaying included: what
 * the specs and `fedstroke bench secagg` drive. Dropouts can be injected at each step. It counts the bytes each
 * step would put on the wire (JSON messages; 4 bytes per masked word) so the cost against plain FedAvg can be
 * stated.
 */
import { SecureAggregationSite } from './secagg-site';
import type { KeyAdvertisement, SealedShare, SecAggParameters, UnmaskResponse } from './secagg-messages';
import { type RoundTranscript, sumMaskedInputs, unmaskRequest, unmaskSum } from './secagg-recovery';

export interface InProcessRoundOptions {
  params: SecAggParameters;
  /** Each site's encoded input, by site id. */
  inputs: ReadonlyMap<string, Uint32Array>;
  /** Sites that advertise keys, then vanish before sharing them. */
  dropAfterAdvertise?: readonly string[];
  /** Sites that share their keys, then vanish before sending a masked input. */
  dropAfterShare?: readonly string[];
  /** Sites that send their masked input, then vanish before answering the unmasking request. */
  dropAfterMask?: readonly string[];
}

export interface WireBytes {
  /** Per site, up: its advertisement; down: the roster. */
  advertise: number;
  /** All sealed shares, up and down. */
  shares: number;
  /** All masked inputs (4 bytes per word). */
  maskedInputs: number;
  /** Unmasking requests down and answers up. */
  unmask: number;
}

/** Milliseconds spent in each step: the sites' work summed over sites (they would run in parallel), and the coordinator's. */
export interface StepTimes {
  siteAdvertise: number;
  siteShareKeys: number;
  siteMask: number;
  siteAnswer: number;
  coordinatorSum: number;
  coordinatorUnmask: number;
}

export interface InProcessRoundResult {
  sum: Uint32Array;
  transcript: RoundTranscript;
  bytes: WireBytes;
  times: StepTimes;
}

export function runInProcessRound(options: InProcessRoundOptions): InProcessRoundResult {
  const { params } = options;
  const gone = new Set<string>();
  const sites = [...options.inputs.keys()].map((id) => new SecureAggregationSite(id, params));
  const bytes: WireBytes = { advertise: 0, shares: 0, maskedInputs: 0, unmask: 0 };
  const times: StepTimes = {
    siteAdvertise: 0,
    siteShareKeys: 0,
    siteMask: 0,
    siteAnswer: 0,
    coordinatorSum: 0,
    coordinatorUnmask: 0,
  };
  const timed = <T>(step: keyof StepTimes, work: () => T): T => {
    const start = performance.now();
    const result = work();
    times[step] += performance.now() - start;
    return result;
  };

  const roster: KeyAdvertisement[] = sites.map((site) => timed('siteAdvertise', () => site.advertise()));
  bytes.advertise += jsonBytes(roster) * (1 + roster.length);
  for (const id of options.dropAfterAdvertise ?? []) gone.add(id);

  const sealed: SealedShare[] = [];
  const sharedKeys: string[] = [];
  for (const site of sites) {
    if (gone.has(site.siteId)) continue;
    sealed.push(...timed('siteShareKeys', () => site.shareKeys(roster)));
    sharedKeys.push(site.siteId);
  }
  bytes.shares += 2 * jsonBytes(sealed);
  for (const id of options.dropAfterShare ?? []) gone.add(id);

  const masked: Uint32Array[] = [];
  const survivors: string[] = [];
  for (const site of sites) {
    if (gone.has(site.siteId)) continue;
    const mine = sealed.filter((s) => s.to === site.siteId && sharedKeys.includes(s.from));
    masked.push(
      timed('siteMask', () => {
        site.receiveShares(mine);
        return site.maskInput(options.inputs.get(site.siteId) as Uint32Array);
      }),
    );
    survivors.push(site.siteId);
  }
  bytes.maskedInputs += 4 * params.length * masked.length;
  for (const id of options.dropAfterMask ?? []) gone.add(id);

  const transcript: RoundTranscript = { params, roster, sharedKeys, survivors };
  const request = unmaskRequest(transcript);
  const responses: UnmaskResponse[] = [];
  for (const site of sites) {
    if (gone.has(site.siteId)) continue;
    responses.push(timed('siteAnswer', () => site.answerUnmask(request)));
    bytes.unmask += jsonBytes(request);
  }
  bytes.unmask += jsonBytes(responses);
  const maskedSum = timed('coordinatorSum', () => sumMaskedInputs(masked, params.length));
  const sum = timed('coordinatorUnmask', () => unmaskSum(transcript, maskedSum, responses));
  return { sum, transcript, bytes, times };
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
