import { between, formatBytes, formatDuration, formatNumber } from './format';

describe('formatting', () => {
  it('writes sizes in binary units and durations in the largest sensible unit', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1_406_372)).toBe('1.34 MiB');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(null)).toBe('—');
    expect(between('2026-01-01T00:00:00Z', '2026-01-01T00:00:02.5Z')).toBe(2500);
    expect(between(null, '2026-01-01T00:00:00Z')).toBeNull();
    expect(formatNumber(0.71234)).toBe('0.712');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(20)).toBe('20');
  });
});
