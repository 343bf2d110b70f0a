import { backoffDelayMs, withRetry } from './backoff';
import { CoordinatorCallError, CoordinatorUnreachableError } from './transport-errors';

const policy = { baseMs: 10, maxMs: 100, giveUpAfterMs: 10_000 };
const unavailable = () => new CoordinatorCallError('op', true, 'connection refused');

describe('backoffDelayMs', () => {
  it('draws within [0, min(max, base·2^attempt)]', () => {
    expect(backoffDelayMs(0, policy, 0.999)).toBe(9);
    expect(backoffDelayMs(3, policy, 0.5)).toBe(40);
    expect(backoffDelayMs(10, policy, 0.999)).toBe(99);
    expect(backoffDelayMs(10, policy, 0)).toBe(0);
  });
});

describe('withRetry', () => {
  it('retries retryable failures until the call succeeds, reporting each retry', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await withRetry(
      'op',
      async () => {
        if (++calls < 3) throw unavailable();
        return 'ok';
      },
      policy,
      { random: () => 0, onRetry: ({ attempt }) => retries.push(attempt) },
    );
    expect(result).toBe('ok');
    expect(retries).toEqual([0, 1]);
  });

  it('waits at least the Retry-After the coordinator sent', async () => {
    const delays: number[] = [];
    let calls = 0;
    await withRetry(
      'uploadUpdate',
      async () => {
        if (++calls === 1) throw new CoordinatorCallError('uploadUpdate', true, 'storage full', { retryAfterMs: 40 });
        return 'ok';
      },
      policy,
      { random: () => 0, onRetry: ({ delayMs }) => delays.push(delayMs) },
    );
    expect(delays).toEqual([40]);
  });

  it('throws a refusal at once', async () => {
    let calls = 0;
    const refusal = new CoordinatorCallError('op', false, 'FORBIDDEN', { status: 403 });
    await expect(
      withRetry(
        'op',
        async () => {
          calls++;
          throw refusal;
        },
        policy,
      ),
    ).rejects.toBe(refusal);
    expect(calls).toBe(1);
  });

  it('gives up after the configured patience with the operation named', async () => {
    const error = await withRetry(
      'nextTask',
      async () => {
        throw unavailable();
      },
      { baseMs: 5, maxMs: 5, giveUpAfterMs: 30 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoordinatorUnreachableError);
    expect((error as Error).message).toMatch(/^nextTask: coordinator unreachable/);
  });
});
