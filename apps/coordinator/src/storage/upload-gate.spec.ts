import { UploadGate } from './upload-gate';

describe('UploadGate', () => {
  it('refuses a caller over its share with TOO_MANY_UPLOADS and everyone over the total with UPLOADS_BUSY', () => {
    const gate = new UploadGate({ perCaller: 2, total: 3 });
    const a1 = gate.acquire('site:a', 'site a');
    gate.acquire('site:a', 'site a');
    expect(() => gate.acquire('site:a', 'site a')).toThrow(
      expect.objectContaining({ code: 'TOO_MANY_UPLOADS', status: 429, retryAfterSeconds: 5 }),
    );
    gate.acquire('site:b', 'site b');
    expect(() => gate.acquire('site:c', 'site c')).toThrow(
      expect.objectContaining({ code: 'UPLOADS_BUSY', status: 503 }),
    );
    a1();
    a1();
    expect(() => gate.acquire('site:c', 'site c')).not.toThrow();
    expect(() => gate.acquire('site:a', 'site a')).toThrow(expect.objectContaining({ code: 'UPLOADS_BUSY' }));
  });

  it('releases the slot when the work fails', async () => {
    const gate = new UploadGate({ perCaller: 1, total: 1 });
    await expect(gate.with('x', 'x', () => Promise.reject(new Error('disk')))).rejects.toThrow('disk');
    await expect(gate.with('x', 'x', async () => 'ok')).resolves.toBe('ok');
  });
});
