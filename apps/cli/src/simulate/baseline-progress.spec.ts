import { asBaselineProgress, BaselineProgressReporter } from './baseline-progress';

describe('BaselineProgressReporter', () => {
  it('writes phase changes at once and training steps at most once per interval, the last step always', () => {
    const lines: string[] = [];
    let clock = 0;
    const reporter = new BaselineProgressReporter(
      'centralized',
      5,
      (line) => lines.push(line),
      1000,
      () => clock,
    );
    reporter.phase('load');
    clock = 100;
    reporter.trained(1); // entering the training phase: written
    clock = 600;
    reporter.trained(2); // 500 ms after the last line: held back
    clock = 1100;
    reporter.trained(3); // 1000 ms: written
    clock = 1200;
    reporter.trained(4); // held back
    reporter.trained(5); // the last step: written
    reporter.phase('evaluate');
    reporter.phase('done');
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(events.map((e) => [e.phase, e.step])).toEqual([
      ['load', 0],
      ['train', 1],
      ['train', 3],
      ['train', 5],
      ['evaluate', 5],
      ['done', 5],
    ]);
    expect(events[0]).toEqual({
      event: 'baseline.progress',
      job: 'centralized',
      phase: 'load',
      step: 0,
      steps: 5,
      at: '1970-01-01T00:00:00.000Z',
    });
  });
});

describe('asBaselineProgress', () => {
  const good = { event: 'baseline.progress', job: 'c', phase: 'train', step: 3, steps: 9, at: '2026-01-01T00:00:00Z' };

  it('accepts a well-formed progress line', () => {
    expect(asBaselineProgress(good)).toEqual(good);
  });

  it('passes over other log lines and malformed progress lines', () => {
    expect(asBaselineProgress({ event: 'coordinator.listening', url: 'http://x' })).toBeNull();
    expect(asBaselineProgress({ ...good, phase: 'sleep' })).toBeNull();
    expect(asBaselineProgress({ ...good, step: '3' })).toBeNull();
    expect(asBaselineProgress({ ...good, job: undefined })).toBeNull();
  });
});
