import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MODEL_HEADERS } from '@fedstroke/protocol';
import type { Manifest } from '@fedstroke/runtime';
import { fetchModelVersion } from './remote-model-version';

const weights = Float32Array.from([0.25, -1, 3]);
const bytes = Buffer.from(weights.buffer);
const manifest = { parameterCount: 3, parameterLayoutSha256: 'a'.repeat(64), config: { name: 'tiny' } } as Manifest;

let server: Server;
let url: string;
let answer: (response: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((_request, response) => answer(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

function serve(body: Buffer, headers: Record<string, string> = {}) {
  answer = (response) => {
    response.writeHead(200, {
      [MODEL_HEADERS.sha256]: createHash('sha256').update(body).digest('hex'),
      [MODEL_HEADERS.layoutSha256]: manifest.parameterLayoutSha256,
      ...headers,
    });
    response.end(body);
  };
}

describe('fetchModelVersion', () => {
  it('returns the weights the coordinator serves', async () => {
    serve(bytes);
    expect(Array.from(await fetchModelVersion(url, 'v1', 'token-0123456789abcdef', manifest))).toEqual([0.25, -1, 3]);
  });

  it('refuses another layout, a body that does not match its sha256, and a body of the wrong size', async () => {
    serve(bytes, { [MODEL_HEADERS.layoutSha256]: 'b'.repeat(64) });
    await expect(fetchModelVersion(url, 'v1', 'token', manifest)).rejects.toThrow(
      /has parameter layout b{64}, the artifacts of config "tiny" have a{64}/,
    );
    serve(bytes, { [MODEL_HEADERS.sha256]: 'c'.repeat(64) });
    await expect(fetchModelVersion(url, 'v1', 'token', manifest)).rejects.toThrow(
      /^model version v1 \(config "tiny"\): body sha256 [0-9a-f]{64} differs from the expected c{64}$/,
    );
    serve(bytes.subarray(0, 8));
    await expect(fetchModelVersion(url, 'v1', 'token', manifest)).rejects.toThrow(
      'model version v1 (config "tiny"): received 8 bytes, expected 12 (3 float32 parameters)',
    );
  });

  it("names the coordinator's refusal code and reason, not its JSON", async () => {
    answer = (response) => {
      response.writeHead(403, { 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({ statusCode: 403, code: 'MODEL_NOT_SERVED', message: 'it was withdrawn (recalled)' }),
      );
    };
    await expect(fetchModelVersion(url, 'v1', 'token', manifest)).rejects.toThrow(
      /^model version v1: the coordinator refused it \(403 MODEL_NOT_SERVED\): it was withdrawn \(recalled\)$/,
    );
    answer = (response) => {
      response.writeHead(502);
      response.end('<html>bad gateway</html>');
    };
    await expect(fetchModelVersion(url, 'v1', 'token', manifest)).rejects.toThrow(/answered 502 <html>bad gateway/);
  });
});
