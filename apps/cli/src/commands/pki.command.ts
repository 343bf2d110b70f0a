import { initPki, issueSite, listIssued, pkiPaths, refreshCrl, revokeSite } from '@fedstroke/pki';
import type { Command } from 'commander';
import { integerFlag } from './flag-parsers';

interface PkiFlags {
  dir: string;
}

/**
 * `fedstroke pki init | issue-site NAME | revoke NAME | crl | list`: the federation's certificate authority in one
 * folder (libs/pki/src/pki-folder.ts describes its files). The coordinator reads the CA, its server certificate
 * and the CRL from it (FEDSTROKE_PKI_DIR); each site gets only its own certificate and key.
 */
export function registerPkiCommand(program: Command): void {
  const pki = program
    .command('pki')
    .description(
      'Certificates for mutual TLS between the coordinator and the sites: a CA, the coordinator’s server certificate, ' +
        'one client certificate per site bound to its name, and the revocation list the coordinator checks on every request.',
    )
    .option('--dir <dir>', 'the PKI folder', 'pki');

  pki
    .command('init')
    .description(
      'create the CA, the coordinator’s server certificate and an empty revocation list in --dir (which must be empty)',
    )
    .option('--host <name...>', 'host names and IP addresses the coordinator is reached at', ['localhost', '127.0.0.1'])
    .option('--name <cn>', 'the CA’s common name', 'fedstroke federation CA')
    .option('--ca-days <n>', 'CA validity in days', '3650')
    .option('--days <n>', 'server and site certificate validity in days', '825')
    .option('--crl-days <n>', 'days until the revocation list must be re-signed (fedstroke pki crl)', '365')
    .action(async (flags: { host: string[]; name: string; caDays: string; days: string; crlDays: string }) => {
      const { dir } = pki.opts<PkiFlags>();
      const paths = await initPki(dir, {
        commonName: flags.name,
        serverHosts: flags.host,
        caDays: integerFlag('--ca-days', flags.caDays, 1),
        certificateDays: integerFlag('--days', flags.days, 1),
        crlDays: integerFlag('--crl-days', flags.crlDays, 1),
      });
      process.stdout.write(
        `PKI in ${dir}: CA ${paths.caCertificate} (keep ${paths.caKey} offline), server certificate for ` +
          `${flags.host.join(', ')}, CRL ${paths.crl}\n` +
          `coordinator: FEDSTROKE_PKI_DIR=${dir} (or FEDSTROKE_TLS_CERT / _KEY / _CLIENT_CA / _CRL)\n`,
      );
    });

  pki
    .command('issue-site <name>')
    .description(
      'issue a client certificate for the site registered under NAME (hand sites/NAME.crt and .key to that site only)',
    )
    .option('--site-id <id>', 'also bind the certificate to this site id (from registerSite)')
    .option('--days <n>', 'validity in days', '825')
    .action(async (name: string, flags: { siteId?: string; days: string }) => {
      const { dir } = pki.opts<PkiFlags>();
      const issued = await issueSite(dir, name, {
        siteId: flags.siteId,
        validDays: integerFlag('--days', flags.days, 1),
      });
      process.stdout.write(
        `site ${name}: certificate ${issued.certificate}, key ${issued.key} (serial ${issued.serialNumber})\n` +
          `site agent: FEDSTROKE_SITE_TLS_CERT=${issued.certificate} FEDSTROKE_SITE_TLS_KEY=${issued.key} ` +
          `FEDSTROKE_SITE_TLS_CA=${pkiPaths(dir).caCertificate}\n`,
      );
    });

  pki
    .command('revoke <name>')
    .description('revoke every certificate of site NAME; the coordinator refuses it from its next request on')
    .action(async (name: string) => {
      const { dir } = pki.opts<PkiFlags>();
      const serials = await revokeSite(dir, name);
      process.stdout.write(
        `revoked ${serials.length} certificate(s) of site ${name} (${serials.join(', ')}); CRL ${pkiPaths(dir).crl}\n`,
      );
    });

  pki
    .command('crl')
    .description(
      're-sign the revocation list with a fresh validity (the coordinator refuses site requests once it expires)',
    )
    .action(async () => {
      const { dir } = pki.opts<PkiFlags>();
      process.stdout.write(`re-signed ${await refreshCrl(dir)}\n`);
    });

  pki
    .command('list')
    .description('every certificate issued from --dir, its serial, expiry and revocation')
    .option('--json', 'as JSON')
    .action((flags: { json?: boolean }) => {
      const { dir } = pki.opts<PkiFlags>();
      const issued = listIssued(dir);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(issued, null, 2)}\n`);
        return;
      }
      for (const c of issued) {
        process.stdout.write(
          `${c.kind.padEnd(6)} ${c.name.padEnd(24)} ${c.serialNumber} until ${c.notAfter}${c.revokedAt ? `  REVOKED ${c.revokedAt}` : ''}\n`,
        );
      }
    });
}
