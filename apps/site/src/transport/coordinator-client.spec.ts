import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoordinatorClient } from './coordinator-client';
import type { TrainingTask } from './site-task';
import { CoordinatorCallError, ModelIntegrityError } from './transport-errors';

type Handler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

let server: Server;
let url: string;
let handler: Handler;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => handler(request, Buffer.concat(chunks), response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const weights = Float32Array.from([0.5, -1, 2]);
const weightBytes = Buffer.from(weights.buffer);
const task = {
  participationId: 'p',
  roundId: 'r',
  baseModelVersionId: 'm',
  baseModelSha256: createHash('sha256').update(weightBytes).digest('hex'),
  modelDownloadPath: '/models/m',
  updateUploadPath: '/rounds/r/updates',
  parameterCount: 3,
  parameterLayoutSha256: 'a'.repeat(64),
} as TrainingTask;

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

describe('CoordinatorClient', () => {
  const client = () => new CoordinatorClient(url, 'site-token-0123456789');

  it('sends the bearer token and reads a GraphQL answer', async () => {
    handler = (request, _body, response) => {
      expect(request.headers.authorization).toBe('Bearer site-token-0123456789');
      json(response, 200, { data: { currentSite: { id: 's1', name: 'center-1', status: 'ACTIVE' } } });
    };
    expect(await client().currentSite()).toEqual({ id: 's1', name: 'center-1', status: 'ACTIVE' });
  });

  it('classifies a refused token as a non-retryable auth failure and a 503 as retryable', async () => {
    handler = (_r, _b, response) =>
      json(response, 200, { errors: [{ message: 'bad token', extensions: { code: 'UNAUTHENTICATED', status: 401 } }] });
    const refused = (await client()
      .currentSite()
      .catch((e: unknown) => e)) as CoordinatorCallError;
    expect([refused.retryable, refused.isAuthFailure]).toEqual([false, true]);
    handler = (_r, _b, response) => json(response, 503, { message: 'restarting' });
    const busy = (await client()
      .currentSite()
      .catch((e: unknown) => e)) as CoordinatorCallError;
    expect(busy.retryable).toBe(true);
  });

  it('treats an unreachable coordinator as retryable', async () => {
    const error = (await new CoordinatorClient('http://127.0.0.1:1', 'site-token-0123456789')
      .currentSite()
      .catch((e: unknown) => e)) as CoordinatorCallError;
    expect(error).toBeInstanceOf(CoordinatorCallError);
    expect(error.retryable).toBe(true);
  });

  it('checks the downloaded model against the promised size and sha256', async () => {
    handler = (_r, _b, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(weightBytes);
    };
    expect(Array.from(await client().downloadModel(task))).toEqual([0.5, -1, 2]);
    await expect(client().downloadModel({ ...task, baseModelSha256: 'b'.repeat(64) })).rejects.toThrow(
      ModelIntegrityError,
    );
    await expect(client().downloadModel({ ...task, parameterCount: 4 })).rejects.toThrow(
      /received 12 bytes, expected 16/,
    );
  });

  it('uploads raw float32 with the sha256, samples and metrics headers and reads each answer', async () => {
    handler = (request, body, response) => {
      expect(request.headers['x-fedstroke-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
      expect(request.headers['x-fedstroke-num-samples']).toBe('5');
      expect(JSON.parse(String(request.headers['x-fedstroke-metrics']))).toEqual({ trainLoss: 0.25 });
      expect(Array.from(new Float32Array(body.buffer, body.byteOffset, body.byteLength / 4))).toEqual([0.5, -1, 2]);
      json(response, 202, { participationId: 'p', status: 'ACCEPTED' });
    };
    const payload = { weights, numSamples: 5, metrics: { trainLoss: 0.25 } };
    expect(await client().uploadUpdate(task, payload)).toEqual({ kind: 'ACCEPTED', participationId: 'p' });

    const answers: Array<[number, string, string, string]> = [
      [409, 'ALREADY_ACCEPTED', 'participation is already ACCEPTED; one update per site per round', 'ALREADY_ACCEPTED'],
      [409, 'LATE_UPDATE', 'late update: round 2 is COMPLETED', 'LATE'],
      [422, 'NON_FINITE', 'NON_FINITE: value 3 is NaN', 'REJECTED'],
      // The code decides, not the wording.
      [409, 'ALREADY_REPORTED', 'late update: participation is already ACCEPTED', 'REJECTED'],
    ];
    for (const [status, code, reason, kind] of answers) {
      handler = (_r, _b, response) =>
        json(response, status, {
          statusCode: status,
          code,
          status: 'REJECTED',
          participationId: 'p',
          reason,
          message: reason,
        });
      expect(await client().uploadUpdate(task, payload)).toMatchObject({ kind, reason });
    }
    handler = (_r, _b, response) => json(response, 502, { message: 'bad gateway' });
    await expect(client().uploadUpdate(task, payload)).rejects.toMatchObject({ retryable: true, status: 502 });
  });

  it('retries refusals of the moment (507, 503, 429) no sooner than their Retry-After', async () => {
    const payload = { weights, numSamples: 5, metrics: {} };
    const refusals: Array<[number, string]> = [
      [507, 'STORAGE_FULL'],
      [503, 'STORAGE_UNAVAILABLE'],
      [429, 'TOO_MANY_UPLOADS'],
    ];
    for (const [status, code] of refusals) {
      handler = (_r, _b, response) => {
        response.writeHead(status, { 'content-type': 'application/json', 'retry-after': '5' });
        response.end(JSON.stringify({ statusCode: status, code, message: 'not now', retryAfterSeconds: 5 }));
      };
      await expect(client().uploadUpdate(task, payload)).rejects.toMatchObject({
        retryable: true,
        status,
        refusalCode: code,
        retryAfterMs: 5000,
      });
    }
  });

  it('refuses a model body that runs past the parameter count without holding it whole', async () => {
    handler = (_r, _b, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(Buffer.concat([weightBytes, weightBytes]));
    };
    await expect(client().downloadModel(task)).rejects.toThrow(/body is longer than the expected 12 bytes/);
  });
});
