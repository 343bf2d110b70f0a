import { DEFAULT_SEGMENT_OPTIONS } from '@fedstroke/inference';
import { SITE_DEFAULTS } from '@fedstroke/site';
import { SIMULATE_DEFAULTS } from './simulation-options';

// InstanceNorm normalises over whatever it is given: segment's default window must be the patch the shipped
// defaults train on, or every reported and served figure is of a model run on statistics it never saw.
describe("segment's default window", () => {
  it('is the patch that site agents and simulate train on by default', () => {
    expect([...DEFAULT_SEGMENT_OPTIONS.window]).toEqual(SITE_DEFAULTS.patchSize);
    expect([...DEFAULT_SEGMENT_OPTIONS.window].join('x')).toBe(SIMULATE_DEFAULTS.patch);
  });
});
