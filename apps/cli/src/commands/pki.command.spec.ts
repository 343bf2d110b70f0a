import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRevocationList, siteIdentityOf } from '@fedstroke/pki';
import { registerPkiCommand } from './pki.command';
import { runCli } from '../testing/run-cli';

const run = (args: string[]): Promise<string> => runCli(registerPkiCommand, args);

describe('fedstroke pki', () => {
  const root = mkdtempSync(join(tmpdir(), 'pki-cli-'));
  const dir = join(root, 'pki');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('init, issue-site, revoke and list, through the command line', async () => {
    expect(await run(['pki', '--dir', dir, 'init', '--host', 'coordinator.example', '10.0.0.7'])).toMatch(
      /server certificate for coordinator\.example, 10\.0\.0\.7/,
    );
    const issued = await run(['pki', '--dir', dir, 'issue-site', 'hospital-a', '--site-id', 'abc-123']);
    expect(issued).toMatch(
      /FEDSTROKE_SITE_TLS_CERT=.*sites\/hospital-a\.crt FEDSTROKE_SITE_TLS_KEY=.*sites\/hospital-a\.key/,
    );
    expect(siteIdentityOf(readFileSync(join(dir, 'sites', 'hospital-a.crt')))).toEqual({
      siteName: 'hospital-a',
      siteId: 'abc-123',
    });
    expect(await run(['pki', '--dir', dir, 'revoke', 'hospital-a'])).toMatch(
      /revoked 1 certificate\(s\) of site hospital-a/,
    );
    const crl = await readRevocationList(
      readFileSync(join(dir, 'crl.pem'), 'utf8'),
      readFileSync(join(dir, 'ca.crt'), 'utf8'),
      'crl',
    );
    expect(crl.revokedSerials.size).toBe(1);
    const list = JSON.parse(await run(['pki', '--dir', dir, 'list', '--json'])) as {
      kind: string;
      revokedAt: string | null;
    }[];
    expect(list.map((c) => [c.kind, c.revokedAt !== null])).toEqual([
      ['server', false],
      ['site', true],
    ]);
    await expect(run(['pki', '--dir', dir, 'issue-site', 'hospital-b', '--days', '0'])).rejects.toThrow(
      /--days "0": expected an integer ≥ 1/,
    );
  });
});
