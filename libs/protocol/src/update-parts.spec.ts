import { joinUpdateBody, splitUpdateBody, updateBodyBytes } from './update-parts';

describe('update parts', () => {
  it('joins the weights and the control-variate delta into one body and splits it back into views', () => {
    const weights = Float32Array.from([1, 2, 3]);
    const delta = Float32Array.from([-1, -2, -3]);
    const body = joinUpdateBody([weights, delta]);
    expect(Array.from(body)).toEqual([1, 2, 3, -1, -2, -3]);
    expect(updateBodyBytes(3, ['weights', 'control-delta'])).toBe(24);
    const parts = splitUpdateBody(body, 3, ['weights', 'control-delta'], 'update');
    expect(Array.from(parts.weights)).toEqual([1, 2, 3]);
    expect(Array.from(parts['control-delta'] ?? [])).toEqual([-1, -2, -3]);
    expect(parts.weights.buffer).toBe(body.buffer);
    expect(joinUpdateBody([weights])).toBe(weights); // a weights-only body is not copied
  });

  it('refuses a body whose length is not parts × parameters', () => {
    expect(() => splitUpdateBody(new Float32Array(5), 3, ['weights', 'control-delta'], 'update of site a')).toThrow(
      /update of site a: 5 float32 values, expected 2 × 3 for weights, control-delta/,
    );
  });
});
