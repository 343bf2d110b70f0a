/**
 * The secure-aggregation round, all sites in process: the unmasked sum equals the plain sum exactly (integers mod
 * 2^32), sites dropping at each step, a coordinator restarting mid-unmasking, and a coordinator that tries to
 * unmask one site's update.
 */
import { runInProcessRound } from './in-process-round';
import { SecureAggregationSite } from './secagg-site';
import type { KeyAdvertisement, SealedShare, SecAggParameters, UnmaskResponse } from './secagg-messages';
import { type RoundTranscript, sumMaskedInputs, unmaskRequest, unmaskSum } from './secagg-recovery';
import { combineShares } from './shamir';
import { fromBase64 } from './secagg-messages';
import { neighbourGraph } from './neighbour-graph';

const LENGTH = 5000;

function inputsFor(ids: string[]): Map<string, Uint32Array> {
  return new Map(
    ids.map((id, k) => [id, Uint32Array.from({ length: LENGTH }, (_, i) => (i * 7919 + k * 104729 + 13) >>> 0)]),
  );
}

function plainSum(inputs: Map<string, Uint32Array>, only?: string[]): Uint32Array {
  const sum = new Uint32Array(LENGTH);
  for (const [id, input] of inputs) {
    if (only && !only.includes(id)) continue;
    for (let i = 0; i < LENGTH; i++) sum[i] = (sum[i] + input[i]) >>> 0;
  }
  return sum;
}

function same(a: Uint32Array, b: Uint32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const ids = ['site-a', 'site-b', 'site-c', 'site-d', 'site-e'];
const params = (roundId: string, overrides: Partial<SecAggParameters> = {}): SecAggParameters => ({
  roundId,
  threshold: 3,
  degree: null,
  length: LENGTH,
  ...overrides,
});

/** Steps 1–3 by hand, so a test can play the coordinator's part of step 4 itself. */
function upToMaskedInputs(roundId: string, siteIds = ids) {
  const p = params(roundId);
  const sites = siteIds.map((id) => new SecureAggregationSite(id, p));
  const roster: KeyAdvertisement[] = sites.map((s) => s.advertise());
  const sealed: SealedShare[] = sites.flatMap((s) => s.shareKeys(roster));
  const inputs = inputsFor(siteIds);
  const masked = sites.map((s) => {
    s.receiveShares(sealed.filter((x) => x.to === s.siteId));
    return s.maskInput(inputs.get(s.siteId) as Uint32Array);
  });
  const transcript: RoundTranscript = { params: p, roster, sharedKeys: [...siteIds], survivors: [...siteIds] };
  return { p, sites, roster, sealed, inputs, masked, transcript };
}

describe('secure aggregation: masks cancel', () => {
  it('the unmasked sum equals the plain sum, word for word', () => {
    const inputs = inputsFor(ids);
    const { sum } = runInProcessRound({ params: params('r-cancel'), inputs });
    expect(same(sum, plainSum(inputs))).toBe(true);
  });

  it('a masked input alone is indistinguishable from noise: its words are not the input’s', () => {
    const { masked, inputs } = upToMaskedInputs('r-noise');
    const input = inputs.get('site-a') as Uint32Array;
    let equal = 0;
    for (let i = 0; i < LENGTH; i++) if (masked[0][i] === input[i]) equal++;
    expect(equal).toBeLessThan(3); // ~LENGTH / 2^32 expected
  });

  it('SecAgg+: on a 4-regular neighbour graph of 10 sites the sum is still exact', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const graph = neighbourGraph(ten, 4, 'r-plus');
    for (const neighbours of graph.values()) expect(neighbours.size).toBe(4);
    const inputs = inputsFor(ten);
    const { sum } = runInProcessRound({
      params: params('r-plus', { degree: 4, threshold: 3 }),
      inputs,
      dropAfterMask: ['s03'],
    });
    expect(same(sum, plainSum(inputs))).toBe(true);
  });
});

describe('secure aggregation: dropouts', () => {
  it.each([[['site-b']], [['site-b', 'site-e']]])(
    'sites %j dropping after their masked upload are recovered (their inputs are in the sum)',
    (dropped) => {
      const inputs = inputsFor(ids);
      const { sum } = runInProcessRound({
        params: params(`r-after-${dropped.length}`),
        inputs,
        dropAfterMask: dropped,
      });
      expect(same(sum, plainSum(inputs))).toBe(true);
    },
  );

  it('a site dropping after sharing keys but before its masked upload is excluded, its pairwise masks removed', () => {
    const inputs = inputsFor(ids);
    const { sum, transcript } = runInProcessRound({ params: params('r-before'), inputs, dropAfterShare: ['site-c'] });
    expect(transcript.survivors).not.toContain('site-c');
    expect(same(sum, plainSum(inputs, ['site-a', 'site-b', 'site-d', 'site-e']))).toBe(true);
  });

  it('a site dropping before sharing its keys is simply not in the round', () => {
    const inputs = inputsFor(ids);
    const { sum } = runInProcessRound({
      params: params('r-early'),
      inputs,
      dropAfterAdvertise: ['site-a'],
      dropAfterShare: ['site-d'],
    });
    expect(same(sum, plainSum(inputs, ['site-b', 'site-c', 'site-e']))).toBe(true);
  });

  it('fewer than t survivors: the round fails with the reason, before any site is asked to reveal anything', () => {
    const inputs = inputsFor(ids);
    expect(() =>
      runInProcessRound({ params: params('r-few'), inputs, dropAfterShare: ['site-a', 'site-b', 'site-c'] }),
    ).toThrow(/2 sites sent a masked input, fewer than the threshold 3; the round fails and nothing is unmasked/);
  });

  it('fewer than t answers to the unmasking request: nothing can be reconstructed', () => {
    const { sites, masked, transcript } = upToMaskedInputs('r-answers');
    const request = unmaskRequest(transcript);
    const answers = sites.slice(0, 2).map((s) => s.answerUnmask(request));
    expect(() => unmaskSum(transcript, sumMaskedInputs(masked, LENGTH), answers)).toThrow(
      /2 shares cannot reconstruct/,
    );
  });
});

describe('secure aggregation: a coordinator restart in the middle of unmasking', () => {
  it('resumes from the stored transcript and answers; sites answer the same request again identically', () => {
    const { sites, masked, transcript } = upToMaskedInputs('r-restart');
    const request = unmaskRequest(transcript);
    // Before the restart: two answers arrive and are stored, with the transcript and the masked sum.
    const stored = JSON.stringify({
      transcript,
      maskedSum: Buffer.from(sumMaskedInputs(masked, LENGTH).buffer).toString('base64'),
      answers: sites.slice(0, 2).map((s) => s.answerUnmask(request)),
    });
    // After: a new process reads it back, asks again (one earlier site repeats, unchanged), and unmasks.
    const restored = JSON.parse(stored) as {
      transcript: RoundTranscript;
      maskedSum: string;
      answers: UnmaskResponse[];
    };
    const again = unmaskRequest(restored.transcript);
    expect(again).toEqual(request);
    const repeated = sites[1].answerUnmask(again);
    expect(repeated).toEqual(restored.answers[1]);
    const sum = unmaskSum(restored.transcript, new Uint32Array(fromBase64(restored.maskedSum, 'masked sum').buffer), [
      ...restored.answers,
      repeated,
      sites[2].answerUnmask(again),
    ]);
    expect(same(sum, plainSum(inputsFor(ids)))).toBe(true);
  });
});

describe('secure aggregation: an honest site never reveals both secrets of one site', () => {
  it('refuses a request that names a site both survivor and dropped', () => {
    const { sites, transcript } = upToMaskedInputs('r-both');
    const request = unmaskRequest(transcript);
    expect(() => sites[0].answerUnmask({ survivors: request.survivors, dropped: ['site-b'] })).toThrow(
      /site-b is named both survivor and dropped/,
    );
  });

  it('refuses a second request that turns a survivor it answered for into a dropout', () => {
    const { sites, transcript } = upToMaskedInputs('r-twice');
    sites[0].answerUnmask(unmaskRequest(transcript));
    const lying = { survivors: ids.filter((id) => id !== 'site-b'), dropped: ['site-b'] };
    expect(() => sites[0].answerUnmask(lying)).toThrow(
      /asked again with site-b as dropped after it was answered as survivor/,
    );
  });

  it('a coordinator telling different sites different stories cannot reach t shares of both of site-b’s secrets', () => {
    const { sites, transcript, p } = upToMaskedInputs('r-split');
    const truth = unmaskRequest(transcript);
    const lie = { survivors: ids.filter((id) => id !== 'site-b'), dropped: ['site-b'] };
    // site-b itself reveals its own self-mask share only; the others split between the two stories.
    const answers = [
      sites[1].answerUnmask(truth),
      sites[0].answerUnmask(truth),
      sites[2].answerUnmask(truth),
      sites[3].answerUnmask(lie),
      sites[4].answerUnmask(lie),
    ];
    const selfMaskOfB = answers.flatMap((a) => a.selfMaskShares.filter((s) => s.owner === 'site-b'));
    const maskKeyOfB = answers.flatMap((a) => a.maskKeyShares.filter((s) => s.owner === 'site-b'));
    expect(selfMaskOfB.length + maskKeyOfB.length).toBe(5); // one share per site, never two
    const decode = (list: typeof selfMaskOfB) => list.map((s) => ({ x: s.x, y: fromBase64(s.y, 'share') }));
    // t = 3 of 5: one kind reaches 3, the other then has at most 2. Here the seed is revealed (masked sums only),
    // the mask key is not: site-b's update stays hidden behind its pairwise masks.
    expect(selfMaskOfB).toHaveLength(3);
    expect(() => combineShares(decode(maskKeyOfB), p.threshold, 32)).toThrow(/2 shares cannot reconstruct/);
    // The lie also leaves the sum unrecoverable: answers that disagree with the stored transcript are refused.
    const site = sites[3];
    expect(() => site.answerUnmask(truth)).toThrow(/asked again/);
  });

  it('refuses to answer before it has sent a masked input, or when it is not named a survivor', () => {
    const p = params('r-order');
    const a = new SecureAggregationSite('site-a', p);
    expect(() => a.answerUnmask({ survivors: ['site-a'], dropped: [] })).toThrow(/sent no masked input/);
    const { sites, transcript } = upToMaskedInputs('r-not-survivor');
    const request = unmaskRequest(transcript);
    expect(() =>
      sites[0].answerUnmask({ survivors: request.survivors.filter((id) => id !== 'site-a'), dropped: ['site-a'] }),
    ).toThrow(/not named a survivor|named both/);
  });

  it('refuses a threshold that is not above half of the neighbourhood', () => {
    const p = params('r-low', { threshold: 2 });
    const sites = ids.map((id) => new SecureAggregationSite(id, p));
    const roster = sites.map((s) => s.advertise());
    expect(() => sites[0].shareKeys(roster)).toThrow(/threshold 2 is not above half of a neighbourhood of 5 sites/);
  });

  it('a tampered or redirected share envelope does not open', () => {
    const { sealed } = upToMaskedInputs('r-tamper-source');
    const p = params('r-tamper');
    const sites = ids.map((id) => new SecureAggregationSite(id, p));
    const roster = sites.map((s) => s.advertise());
    const shares = sites.flatMap((s) => s.shareKeys(roster));
    const forA = shares.filter((s) => s.to === 'site-a');
    const flipped = Buffer.from(forA[0].envelope, 'base64');
    flipped[20] ^= 1;
    expect(() => sites[0].receiveShares([{ ...forA[0], envelope: flipped.toString('base64') }])).toThrow(
      /does not authenticate/,
    );
    // An envelope from another round, even between the same site ids, does not open either.
    const replayed = sealed.find((s) => s.to === 'site-a' && s.from === forA[0].from) as SealedShare;
    expect(() => sites[0].receiveShares([replayed])).toThrow(/does not authenticate/);
  });
});
