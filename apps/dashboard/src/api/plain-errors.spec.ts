import { problemFromGraphql, problemFromHttp, problemFromNetwork, problemFromSocketClose } from './plain-errors';

describe('plain-words errors', () => {
  it('says what a refused token means and keeps the coordinator message as the detail', () => {
    const p = problemFromGraphql([
      { message: 'the bearer token is not a valid coordinator token', extensions: { code: 'UNAUTHENTICATED' } },
    ]);
    expect(p.kind).toBe('unauthenticated');
    expect(p.message).toMatch(/did not accept this token/);
    expect(p.detail).toBe('the bearer token is not a valid coordinator token');
  });

  it('maps roles, missing items, refusals and server failures by GraphQL code', () => {
    expect(problemFromGraphql([{ message: 'x', extensions: { code: 'FORBIDDEN' } }]).kind).toBe('forbidden');
    expect(problemFromGraphql([{ message: 'x', extensions: { code: 'NOT_FOUND' } }]).kind).toBe('not-found');
    expect(problemFromGraphql([{ message: 'in use', extensions: { code: 'CONFLICT' } }])).toMatchObject({
      kind: 'refused',
      detail: 'in use',
    });
    expect(problemFromGraphql([{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]).kind).toBe(
      'server',
    );
  });

  it("reads Nest's JSON error bodies and falls back to the text", () => {
    expect(problemFromHttp(403, JSON.stringify({ message: 'a READONLY token may not call dwi' }))).toMatchObject({
      kind: 'forbidden',
      detail: 'HTTP 403: a READONLY token may not call dwi',
    });
    expect(problemFromHttp(410, 'gone for good')).toMatchObject({ kind: 'refused', detail: 'HTTP 410: gone for good' });
    expect(problemFromHttp(502, '').kind).toBe('server');
  });

  it('tells an unreachable coordinator and a refused live connection apart', () => {
    expect(problemFromNetwork(new TypeError('Failed to fetch')).message).toMatch(/did not answer/);
    expect(problemFromSocketClose(4403, 'Forbidden').kind).toBe('forbidden');
    expect(problemFromSocketClose(1006, '').kind).toBe('unreachable');
  });
});
