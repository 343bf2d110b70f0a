/**
 * Site identity over mutual TLS, over real TLS sockets: a coordinator serving HTTPS with site certificates
 * required, sites presenting (or not) certificates from `fedstroke pki`. The refusals a data-protection officer
 * asks about: a stolen token without the certificate, a valid certificate with another site's token, a revoked
 * certificate (at once, on an open connection), an expired one, one from another CA; and plain HTTP only on
 * loopback, with a warning.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { initPki, issueSite, pkiPaths, revokeSite } from '@fedstroke/pki';
import { resolveCoordinatorConfig } from '@fedstroke/coordinator';
import { ADMIN_TOKEN, bootCoordinator, makeWorkspace, REGISTER_SITE, startCoordinatorWorld } from './coordinator-kit';

interface Identity {
  certificate: string;
  key: string;
}

describe('coordinator over mutual TLS', () => {
  let pkiDir: string;
  const world = startCoordinatorWorld({
    config: async (workspace) => {
      pkiDir = join(workspace.root, 'pki');
      await initPki(pkiDir, { serverHosts: ['localhost', '127.0.0.1'] });
      return { tls: { pkiDir } };
    },
  });
  const tokens: Record<string, string> = {};
  const agents: Agent[] = [];

  const agent = (identity?: Identity): Agent => {
    const created = new Agent({
      connect: {
        ca: readFileSync(pkiPaths(pkiDir).caCertificate),
        ...(identity && { cert: readFileSync(identity.certificate), key: readFileSync(identity.key) }),
      },
    });
    agents.push(created);
    return created;
  };

  async function post(dispatcher: Agent, token: string, query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(`${world.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      dispatcher,
    } as RequestInit);
    const body = (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    return { status: response.status, ...body };
  }

  const currentSite = (dispatcher: Agent, token: string) => post(dispatcher, token, '{ currentSite { id name } }');

  beforeAll(async () => {
    const admin = agent();
    for (const name of ['site-a', 'site-b']) {
      const result = await post(admin, ADMIN_TOKEN, REGISTER_SITE, { name });
      tokens[name] = (result.data?.registerSite as { token: string }).token;
    }
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
  });

  it('serves HTTPS; the admin token works without a client certificate', async () => {
    expect(world.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const result = await post(agent(), ADMIN_TOKEN, '{ viewer { role } }');
    expect(result.data).toEqual({ viewer: { role: 'ADMIN' } });
    expect(world.logs.some((line) => line.includes('coordinator.plain_http'))).toBe(false);
  });

  it('a site token with its own certificate is served', async () => {
    const a = await issueSite(pkiDir, 'site-a');
    const result = await currentSite(agent({ certificate: a.certificate, key: a.key }), tokens['site-a']);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ currentSite: { id: expect.any(String), name: 'site-a' } });
  });

  it('a stolen site token without the certificate is refused, on GraphQL and on the binary routes', async () => {
    const result = await currentSite(agent(), tokens['site-a']);
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.errors?.[0].message).toMatch(
      /site site-a .*: no client certificate was presented; site requests need the site's certificate/,
    );
    const download = await fetch(`${world.url}/models/00000000-0000-4000-8000-000000000000`, {
      headers: { authorization: `Bearer ${tokens['site-a']}` },
      dispatcher: agent(),
    } as RequestInit);
    expect(download.status).toBe(401);
    const upload = await fetch(`${world.url}/rounds/00000000-0000-4000-8000-000000000000/updates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['site-a']}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(8),
      dispatcher: agent(),
    } as RequestInit);
    expect(upload.status).toBe(401);
    expect(((await upload.json()) as { message: string }).message).toMatch(/no client certificate was presented/);
  });

  it('a valid certificate with another site’s token is refused, naming both sites', async () => {
    const b = await issueSite(pkiDir, 'site-b');
    const result = await currentSite(agent({ certificate: b.certificate, key: b.key }), tokens['site-a']);
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(result.errors?.[0].message).toMatch(
      /site site-a .*: the client certificate is site site-b's, not the token’s site/,
    );
  });

  it('an expired certificate and one from another CA are refused with the reason', async () => {
    const expired = await issueSite(pkiDir, 'site-a', { validDays: 1, now: new Date(Date.now() - 3 * 86_400_000) });
    const old = await currentSite(agent({ certificate: expired.certificate, key: expired.key }), tokens['site-a']);
    expect(old.errors?.[0].message).toMatch(
      /the client certificate was refused: it expired on .* \(CERT_HAS_EXPIRED\)/,
    );
    const otherDir = join(world.workspace.root, 'other-pki');
    await initPki(otherDir, { serverHosts: ['localhost'], commonName: 'not this federation' });
    const foreign = await issueSite(otherDir, 'site-a');
    const result = await currentSite(agent({ certificate: foreign.certificate, key: foreign.key }), tokens['site-a']);
    expect(result.errors?.[0].message).toMatch(/it was not issued by this federation's CA/);
  });

  it('a revoked certificate stops working at once, on a connection that was already open', async () => {
    const b = await issueSite(pkiDir, 'site-b');
    const open = agent({ certificate: b.certificate, key: b.key });
    expect((await currentSite(open, tokens['site-b'])).data).toEqual({
      currentSite: { id: expect.any(String), name: 'site-b' },
    });
    await revokeSite(pkiDir, 'site-b');
    const after = await currentSite(open, tokens['site-b']);
    expect(after.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(after.errors?.[0].message).toMatch(
      /site site-b .*: the client certificate \(serial [0-9a-f]+\) has been revoked/,
    );
  });

  it('a revocation list that is not the CA’s refuses every site request (fail closed), and recovers when fixed', async () => {
    const a = await issueSite(pkiDir, 'site-a');
    const crl = pkiPaths(pkiDir).crl;
    const good = readFileSync(crl, 'utf8');
    writeFileSync(crl, readFileSync(pkiPaths(join(world.workspace.root, 'other-pki')).crl));
    const identity = { certificate: a.certificate, key: a.key };
    const refused = await currentSite(agent(identity), tokens['site-a']);
    expect(refused.errors?.[0].message).toMatch(
      /site requests are refused: the certificate revocation list .* is not signed by the client CA/,
    );
    writeFileSync(crl, good);
    expect((await currentSite(agent(identity), tokens['site-a'])).errors).toBeUndefined();
  });
});

describe('coordinator over plain HTTP', () => {
  it('is refused on a non-loopback address, and warns at boot on loopback', async () => {
    expect(() => resolveCoordinatorConfig({ adminToken: ADMIN_TOKEN, dataDir: '/tmp/x', host: '0.0.0.0' })).toThrow(
      /FEDSTROKE_HOST is 0\.0\.0\.0, but without TLS the coordinator serves plain HTTP, which is for development on this machine only/,
    );
    expect(resolveCoordinatorConfig({ adminToken: ADMIN_TOKEN, dataDir: '/tmp/x' }).host).toBe('127.0.0.1');
    const workspace = makeWorkspace();
    const logs: string[] = [];
    const coordinator = await bootCoordinator(workspace, logs);
    try {
      const warning = logs.map((line) => JSON.parse(line)).find((line) => line.event === 'coordinator.plain_http');
      expect(warning).toMatchObject({ level: 'warn', message: expect.stringMatching(/for development only/) });
    } finally {
      await coordinator.close();
      workspace.cleanup();
    }
  });
});
