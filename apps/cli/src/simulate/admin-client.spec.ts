import { createServer } from 'node:net';
import { AdminClient } from './admin-client';

describe('AdminClient', () => {
  it('says why the coordinator could not be reached, not only "fetch failed"', async () => {
    // A port that was just free: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = new AdminClient(`http://127.0.0.1:${port}`, 'token');
    await expect(client.federation('f')).rejects.toThrow(
      new RegExp(`federation: cannot reach http://127\\.0\\.0\\.1:${port} \\(fetch failed: ECONNREFUSED\\)`),
    );
  });
});
