import { UPDATE_HEADERS } from './headers';
import { parseUpdateHeaders, updateRequestHeaders } from './update-headers';

const valid = {
  [UPDATE_HEADERS.sha256]: 'a'.repeat(64),
  [UPDATE_HEADERS.baseModelVersion]: 'model-1',
  [UPDATE_HEADERS.layoutSha256]: 'B'.repeat(64),
  [UPDATE_HEADERS.numSamples]: '12',
  [UPDATE_HEADERS.metrics]: '{"loss":0.25,"val_dice":0.7}',
};

describe('parseUpdateHeaders', () => {
  it('parses the upload headers', () => {
    expect(parseUpdateHeaders(valid)).toEqual({
      ok: true,
      value: {
        sha256: 'a'.repeat(64),
        baseModelVersionId: 'model-1',
        layoutSha256: 'b'.repeat(64),
        numSamples: 12,
        metrics: { loss: 0.25, val_dice: 0.7 },
        parts: ['weights'],
      },
    });
    expect(parseUpdateHeaders({ ...valid, [UPDATE_HEADERS.metrics]: undefined })).toMatchObject({
      ok: true,
      value: { metrics: {} },
    });
  });

  it.each([
    [UPDATE_HEADERS.sha256, 'xyz', /x-fedstroke-sha256 must be the body's sha256/],
    [UPDATE_HEADERS.baseModelVersion, undefined, /x-fedstroke-base-model-version must name/],
    [UPDATE_HEADERS.layoutSha256, '12', /x-fedstroke-layout-sha256 must be/],
    [UPDATE_HEADERS.numSamples, '0', /x-fedstroke-num-samples must be a positive integer \(got "0"\)/],
    [UPDATE_HEADERS.numSamples, '2.5', /x-fedstroke-num-samples must be a positive integer/],
    [UPDATE_HEADERS.metrics, '[1]', /x-fedstroke-metrics must be a JSON object of numbers/],
    [UPDATE_HEADERS.metrics, '{"loss":"low"}', /"loss" must be a short name with a finite number value/],
    [UPDATE_HEADERS.parts, 'control-delta,weights', /x-fedstroke-update-parts must list weights, control-delta/],
    [UPDATE_HEADERS.parts, 'weights,weights', /each once/],
    [UPDATE_HEADERS.parts, 'weights,gradients', /x-fedstroke-update-parts must list/],
  ])('refuses a bad %s (%j)', (header, value, message) => {
    const result = parseUpdateHeaders({ ...valid, [header]: value });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(message);
  });
});

describe('updateRequestHeaders', () => {
  it('writes what parseUpdateHeaders reads back', () => {
    const metadata = {
      sha256: 'c'.repeat(64),
      baseModelVersionId: '5b0c4f4e-0000-4000-8000-000000000001',
      layoutSha256: 'd'.repeat(64),
      numSamples: 7,
      metrics: { trainLoss: 0.125 },
      parts: ['weights' as const],
    };
    const headers = updateRequestHeaders(metadata);
    expect(headers['content-type']).toBe('application/octet-stream');
    expect(headers[UPDATE_HEADERS.parts]).toBeUndefined(); // what every site sent before SCAFFOLD
    expect(parseUpdateHeaders(headers)).toEqual({ ok: true, value: metadata });
    const scaffold = { ...metadata, parts: ['weights' as const, 'control-delta' as const] };
    expect(updateRequestHeaders(scaffold)[UPDATE_HEADERS.parts]).toBe('weights,control-delta');
    expect(parseUpdateHeaders(updateRequestHeaders(scaffold))).toEqual({ ok: true, value: scaffold });
  });
});
