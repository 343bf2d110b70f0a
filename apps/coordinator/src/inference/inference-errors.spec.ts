/**
 * How the inference and serving resolvers' refusals reach GraphQL clients: through the one formatGraphqlError, so
 * a storage refusal keeps its code, status and retry hint whichever resolver met it.
 */
import { GraphQLError } from 'graphql';
import { formatGraphqlError } from '../graphql/error-format';
import type { JsonLogger } from '../logging/json-logger';
import { StorageFaultError } from '../storage/storage-errors';
import { QueueFullError } from './job-queue';
import { toGraphqlError } from './inference-errors';

const log = { event: jest.fn() } as unknown as JsonLogger;

function formatted(thrown: unknown) {
  const error = new GraphQLError('wrapped by graphql-js', { originalError: thrown as Error });
  return formatGraphqlError(error.toJSON(), error, log);
}

describe('inference refusals over GraphQL', () => {
  it('keeps a storage refusal whole: STORAGE_FULL, 507 and the retry hint', () => {
    const refusal = toGraphqlError(new StorageFaultError('writing the job inputs', 'ENOSPC'));
    expect(formatted(refusal)).toMatchObject({
      message: expect.stringMatching(/no space is left on it \(ENOSPC\); nothing was kept, try again in 5 s/),
      extensions: { code: 'STORAGE_FULL', status: 507, retryAfterSeconds: 5 },
    });
  });

  it('gives other refusals their own code and status', () => {
    expect(formatted(toGraphqlError(new QueueFullError(1, 0)))).toMatchObject({
      extensions: { code: 'QUEUE_FULL', status: 503 },
    });
  });
});
