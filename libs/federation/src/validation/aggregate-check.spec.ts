import { aggregateRejection, AGGREGATE_GROWTH_LIMIT } from './aggregate-check';

const previous = Float32Array.from([1.46, -0.5, 0.25, 0.1]);

describe('aggregateRejection', () => {
  it('lets an ordinary step through', () => {
    expect(aggregateRejection(previous, Float32Array.from([1.5, -0.4, 0.3, 0.05]))).toBeNull();
  });

  it('refuses a non-finite aggregate and names the parameter', () => {
    expect(aggregateRejection(previous, Float32Array.from([1, Number.NaN, 0, 0]))).toMatch(
      /non-finite value \(NaN\) at parameter 1/,
    );
    expect(aggregateRejection(previous, Float32Array.from([1, 0, 0, Infinity]))).toMatch(/Infinity\) at parameter 3/);
  });

  it('refuses an aggregate whose largest |w| went from 1.46 to 1e38 (one site sent 3e38 everywhere)', () => {
    const poisoned = new Float32Array(4).fill(1e38);
    expect(aggregateRejection(previous, poisoned)).toMatch(
      /largest \|w\| is 1\.000e\+38, more than 10 × max\(1, 1\.460\)/,
    );
  });

  it('refuses a norm that grew more than tenfold, even when no single weight did', () => {
    const wide = new Float32Array(400).fill(0.5);
    const grown = new Float32Array(400).fill(6); // largest |w| 6 ≤ 10 × max(1, 0.5), norm 120 > 10 × max(1, 10)
    expect(aggregateRejection(wide, grown)).toMatch(/norm is 120\.0, more than 10 × max\(1, 10\.00\)/);
    expect(AGGREGATE_GROWTH_LIMIT).toBe(10);
  });

  it('refuses a finite model whose server state overflowed', () => {
    const v = Float32Array.from([1, Infinity]);
    expect(aggregateRejection(previous, previous, { m: new Float32Array(2), v })).toMatch(
      /server optimizer state "v" holds a non-finite value \(Infinity\) at index 1/,
    );
  });
});
