import { parseUploadHeaders, UPDATE_HEADERS } from './upload-headers';

const valid = {
  [UPDATE_HEADERS.sha256]: 'a'.repeat(64),
  [UPDATE_HEADERS.baseModelVersion]: 'model-1',
  [UPDATE_HEADERS.layoutSha256]: 'B'.repeat(64),
  [UPDATE_HEADERS.numSamples]: '12',
  [UPDATE_HEADERS.metrics]: '{"loss":0.25,"val_dice":0.7}',
};

describe('parseUploadHeaders', () => {
  it('parses the upload headers', () => {
    expect(parseUploadHeaders(valid)).toEqual({
      ok: true,
      value: {
        sha256: 'a'.repeat(64),
        baseModelVersionId: 'model-1',
        layoutSha256: 'b'.repeat(64),
        numSamples: 12,
        metrics: { loss: 0.25, val_dice: 0.7 },
      },
    });
    expect(parseUploadHeaders({ ...valid, [UPDATE_HEADERS.metrics]: undefined })).toMatchObject({
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
  ])('refuses a bad %s (%j)', (header, value, message) => {
    const result = parseUploadHeaders({ ...valid, [header]: value });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(message);
  });
});
