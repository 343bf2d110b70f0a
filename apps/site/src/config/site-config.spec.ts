import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSiteConfig, siteConfigFromEnvironment } from './site-config';
import { SiteConfigError } from './site-config.error';

const base = { coordinatorUrl: 'https://coordinator:4000/', token: 'site-token-0123456789', dataDir: '/data/site' };

describe('resolveSiteConfig', () => {
  it('fills the defaults and normalises the URL', () => {
    const config = resolveSiteConfig(base);
    expect(config.coordinatorUrl).toBe('https://coordinator:4000');
    expect(config.threads).toBe(1);
    expect(config.patchSize).toEqual([32, 48, 48]);
    expect(config.federationId).toBeUndefined();
  });

  it.each([
    [{ coordinatorUrl: 'ftp://x' }, /FEDSTROKE_COORDINATOR_URL must use http or https/],
    [{ coordinatorUrl: 'not a url' }, /FEDSTROKE_COORDINATOR_URL must be an http\(s\) URL/],
    [{ token: 'short' }, /FEDSTROKE_SITE_TOKEN must be the site token/],
    [{ dataDir: ' ' }, /FEDSTROKE_SITE_DATA is required/],
    [{ threads: 0 }, /FEDSTROKE_SITE_THREADS must be an integer in \[1, 64\] \(got 0\)/],
    [{ provider: 'gpu' }, /FEDSTROKE_SITE_PROVIDER must be one of cpu, cuda, webgpu \(got "gpu"\)/],
    [{ retryBaseMs: 500, retryMaxMs: 100 }, /FEDSTROKE_SITE_RETRY_MAX_MS \(100\) must be ≥/],
  ])('names the setting and the constraint: %j', (override, message) => {
    expect(() => resolveSiteConfig({ ...base, ...override })).toThrow(SiteConfigError);
    expect(() => resolveSiteConfig({ ...base, ...override })).toThrow(message);
  });
});

describe('siteConfigFromEnvironment', () => {
  it('reads FEDSTROKE_* variables and rejects a non-integer', () => {
    const env = {
      FEDSTROKE_COORDINATOR_URL: 'http://127.0.0.1:1',
      FEDSTROKE_SITE_TOKEN: 'site-token-0123456789',
      FEDSTROKE_SITE_DATA: '/d',
      FEDSTROKE_SITE_PATCH: '16x24x24',
      FEDSTROKE_SITE_THREADS: '2',
      FEDSTROKE_SITE_PROVIDER: 'webgpu',
    };
    const input = siteConfigFromEnvironment(env);
    expect(resolveSiteConfig(input)).toMatchObject({
      patchSize: [16, 24, 24],
      threads: 2,
      keepOptimizerState: true,
      provider: 'webgpu',
    });
    const reset = siteConfigFromEnvironment({ ...env, FEDSTROKE_SITE_RESET_OPTIMIZER: '1' });
    expect(reset.keepOptimizerState).toBe(false);
    expect(() => siteConfigFromEnvironment({ FEDSTROKE_SITE_THREADS: 'two' })).toThrow(
      /FEDSTROKE_SITE_THREADS must be an integer \(got "two"\)/,
    );
  });

  it('reads its switches as true/false, 1/0 or yes/no, and refuses a word it cannot read instead of taking it as off', () => {
    expect(siteConfigFromEnvironment({ FEDSTROKE_SITE_VALIDATE_GLOBAL: 'true' }).validateGlobal).toBe(true);
    expect(siteConfigFromEnvironment({ FEDSTROKE_SITE_VALIDATE_GLOBAL: '0' }).validateGlobal).toBe(false);
    expect(siteConfigFromEnvironment({ FEDSTROKE_SITE_VALIDATE_GLOBAL: '' }).validateGlobal).toBeUndefined();
    expect(siteConfigFromEnvironment({ FEDSTROKE_SITE_RESET_OPTIMIZER: 'yes' }).keepOptimizerState).toBe(false);
    expect(siteConfigFromEnvironment({ FEDSTROKE_SITE_RESET_OPTIMIZER: 'no' }).keepOptimizerState).toBe(true);
    expect(() => siteConfigFromEnvironment({ FEDSTROKE_SITE_VALIDATE_GLOBAL: 'on please' })).toThrow(
      /^FEDSTROKE_SITE_VALIDATE_GLOBAL must be true or false \(also 1\/0, yes\/no; got "on please"\)/,
    );
  });
});

describe('site TLS settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'site-tls-'));
  const pem = join(dir, 'site.crt');
  writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('plain http only to a coordinator on this machine', () => {
    expect(resolveSiteConfig({ ...base, coordinatorUrl: 'http://127.0.0.1:4000' }).tls).toBeNull();
    expect(resolveSiteConfig({ ...base, coordinatorUrl: 'http://localhost:4000' }).tls).toBeNull();
    expect(() => resolveSiteConfig({ ...base, coordinatorUrl: 'http://coordinator.hospital.example:4000' })).toThrow(
      /FEDSTROKE_COORDINATOR_URL is plain http to coordinator\.hospital\.example: the token and the model updates would travel unencrypted/,
    );
    expect(() =>
      resolveSiteConfig({ ...base, coordinatorUrl: 'http://127.0.0.1:4000', tls: { certFile: pem, keyFile: pem } }),
    ).toThrow(/FEDSTROKE_SITE_TLS_CERT needs an https coordinator URL/);
  });

  it('reads the certificate, key and CA files, and names the one that is missing or unreadable', () => {
    const env = { FEDSTROKE_SITE_TLS_CERT: pem, FEDSTROKE_SITE_TLS_KEY: pem, FEDSTROKE_SITE_TLS_CA: pem };
    const config = resolveSiteConfig({ ...base, tls: siteConfigFromEnvironment(env).tls });
    expect(config.tls).toMatchObject({
      certFile: pem,
      keyFile: pem,
      caFile: pem,
      cert: expect.stringContaining('BEGIN CERTIFICATE'),
    });
    expect(() => resolveSiteConfig({ ...base, tls: { certFile: pem } })).toThrow(
      /FEDSTROKE_SITE_TLS_KEY is required too/,
    );
    expect(() => resolveSiteConfig({ ...base, tls: { caFile: join(dir, 'nope.crt') } })).toThrow(
      /FEDSTROKE_SITE_TLS_CA cannot be read: .*nope\.crt \(ENOENT\)/,
    );
  });
});
