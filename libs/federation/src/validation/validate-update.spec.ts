import type { UpdateEnvelope } from '../client-update';
import { fedAvg } from '../aggregate/weighted-mean';
import { partitionUpdates, validateUpdate } from './validate-update';
import type { UpdateExpectation } from './validate-update';

const global = Float32Array.from([0, 0, 0, 0]);
const expectation: UpdateExpectation = {
  length: 4,
  layoutSha256: 'abc123',
  roundId: 'round-7',
  baseModelId: 'model-6',
  minSamples: 1,
  maxNorm: 10,
  global,
};

function envelope(overrides: Partial<UpdateEnvelope> = {}): UpdateEnvelope {
  return {
    siteId: 'site-a',
    weights: Float32Array.from([1, 2, 2, 0]), // ||Δ|| = 3
    numSamples: 12,
    metrics: { loss: 0.4 },
    roundId: 'round-7',
    baseModelId: 'model-6',
    layoutSha256: 'abc123',
    ...overrides,
  };
}

function rejectionOf(update: UpdateEnvelope, expected: UpdateExpectation = expectation) {
  const result = validateUpdate(update, expected);
  if (result.ok) throw new Error('expected a rejection');
  return result.reason;
}

describe('validateUpdate', () => {
  it('accepts a well-formed update and reports its delta norm', () => {
    expect(validateUpdate(envelope(), expectation)).toEqual({ ok: true, deltaNorm: 3 });
  });

  it.each([
    ['NaN', Number.NaN, 2],
    ['Infinity', Number.POSITIVE_INFINITY, 1],
    ['-Infinity', Number.NEGATIVE_INFINITY, 3],
  ])('rejects %s and names the first bad index', (_label, bad, index) => {
    const weights = Float32Array.from([1, 2, 2, 0]);
    weights[index] = bad;
    if (index < 3) weights[3] = Number.NaN; // a later bad value too: the first one is reported
    const reason = rejectionOf(envelope({ weights }));
    expect(reason.code).toBe('NON_FINITE');
    expect(reason.message).toContain(`at parameter ${index}`);
  });

  it('rejects a wrong length, a wrong layout hash, a stale round and a different base model', () => {
    expect(rejectionOf(envelope({ weights: new Float32Array(5) })).code).toBe('LENGTH_MISMATCH');
    expect(rejectionOf(envelope({ layoutSha256: 'def456' })).code).toBe('LAYOUT_MISMATCH');
    const stale = rejectionOf(envelope({ roundId: 'round-6' }));
    expect(stale).toEqual({
      code: 'STALE_ROUND',
      message: 'update from site site-a is for round round-6; the current round is round-7',
    });
    expect(rejectionOf(envelope({ baseModelId: 'model-5' })).code).toBe('WRONG_BASE_MODEL');
  });

  it('rejects a delta norm above the bound', () => {
    const reason = rejectionOf(envelope({ weights: Float32Array.from([6, 8, 0, 0]) }), {
      ...expectation,
      maxNorm: 9.99,
    });
    expect(reason.code).toBe('NORM_EXCEEDED');
    expect(reason.message).toContain('||Δ|| = 10.0000, bound 9.99');
  });

  it('rejects zero, negative, fractional or too few samples, and non-finite metrics', () => {
    expect(rejectionOf(envelope({ numSamples: 0 })).code).toBe('TOO_FEW_SAMPLES');
    expect(rejectionOf(envelope({ numSamples: -3 })).code).toBe('TOO_FEW_SAMPLES');
    expect(rejectionOf(envelope({ numSamples: 2.5 })).code).toBe('TOO_FEW_SAMPLES');
    expect(rejectionOf(envelope({ numSamples: 4 }), { ...expectation, minSamples: 5 }).code).toBe('TOO_FEW_SAMPLES');
    expect(rejectionOf(envelope({ metrics: { loss: Number.NaN } })).code).toBe('NON_FINITE_METRIC');
  });

  it('checks finiteness without a global model when no norm bound is set', () => {
    const { maxNorm: _maxNorm, global: _global, ...noBound } = expectation;
    expect(validateUpdate(envelope({ weights: Float32Array.from([1e30, 1e30, 1, 1]) }), noBound)).toEqual({
      ok: true,
      deltaNorm: null,
    });
    expect(rejectionOf(envelope({ weights: Float32Array.from([1, Number.NaN, 1, 1]) }), noBound).code).toBe(
      'NON_FINITE',
    );
  });

  it('refuses a norm bound without the global model to measure it against', () => {
    expect(() => validateUpdate(envelope(), { ...expectation, global: undefined })).toThrow(/needs expectation.global/);
  });
});

describe('partitionUpdates', () => {
  it('keeps rejected updates out of the average: NaN, stale and oversized updates do not move it', () => {
    // prepare: two honest sites and three bad ones
    const honestA = envelope({ siteId: 'a', weights: Float32Array.from([1, 1, 1, 1]), numSamples: 1 });
    const honestB = envelope({ siteId: 'b', weights: Float32Array.from([3, 3, 3, 3]), numSamples: 1 });
    const poisoned = envelope({ siteId: 'nan', weights: Float32Array.from([Number.NaN, 0, 0, 0]), numSamples: 1000 });
    const stale = envelope({ siteId: 'old', roundId: 'round-3', weights: new Float32Array(4).fill(-50) });
    const huge = envelope({ siteId: 'big', weights: new Float32Array(4).fill(1e6), numSamples: 1000 });
    // execute
    const { accepted, rejected } = partitionUpdates([honestA, poisoned, stale, honestB, huge], expectation);
    const { weights } = fedAvg(global, accepted);
    // assert
    expect(accepted.map((u) => u.siteId)).toEqual(['a', 'b']);
    expect(rejected.map((r) => [r.siteId, r.reason.code])).toEqual([
      ['nan', 'NON_FINITE'],
      ['old', 'STALE_ROUND'],
      ['big', 'NORM_EXCEEDED'],
    ]);
    expect(Array.from(weights)).toEqual([2, 2, 2, 2]);
  });
});
