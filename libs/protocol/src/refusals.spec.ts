import { isTransientRefusal, parseRefusalBody, parseRetryAfter, REFUSAL_STATUS } from './refusals';

describe('refusals', () => {
  it('maps each code to one status, transient ones to 429, 503 or 507', () => {
    expect(REFUSAL_STATUS.NON_FINITE).toBe(422);
    expect(REFUSAL_STATUS.LATE_UPDATE).toBe(409);
    expect(REFUSAL_STATUS.STORAGE_FULL).toBe(507);
    for (const [code, status] of Object.entries(REFUSAL_STATUS)) {
      expect([code, isTransientRefusal(code)]).toEqual([code, [429, 503, 507].includes(status)]);
    }
  });

  it('reads a refusal body back, and nothing from what is not one', () => {
    expect(
      parseRefusalBody({
        statusCode: 409,
        code: 'LATE_UPDATE',
        status: 'REJECTED',
        participationId: 'p-1',
        reason: 'late update: round 2 is COMPLETED',
        message: 'late update: round 2 is COMPLETED',
      }),
    ).toEqual({
      statusCode: 409,
      code: 'LATE_UPDATE',
      status: 'REJECTED',
      participationId: 'p-1',
      reason: 'late update: round 2 is COMPLETED',
      message: 'late update: round 2 is COMPLETED',
    });
    expect(
      parseRefusalBody({ statusCode: 503, code: 'STORAGE_UNAVAILABLE', message: 'x', retryAfterSeconds: 5 }),
    ).toMatchObject({ retryAfterSeconds: 5 });
    expect(parseRefusalBody({ statusCode: 502, message: 'Bad Gateway' })).toBeNull();
    expect(parseRefusalBody('<html>')).toBeNull();
    expect(parseRefusalBody(null)).toBeNull();
  });

  it('parses Retry-After seconds and ignores what it cannot read', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(' 30 ')).toBe(30);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
