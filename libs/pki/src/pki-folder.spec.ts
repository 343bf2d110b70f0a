import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { initPki, issueSite, listIssued, pkiPaths, refreshCrl, revokeSite } from './pki-folder';
import { readRevocationList } from './revocation-list';
import { siteIdentityOf } from './site-identity';

describe('fedstroke PKI folder', () => {
  let dir: string;
  let other: string;
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'fedstroke-pki-'));
    dir = join(root, 'pki');
    other = join(root, 'other');
    await initPki(dir, { serverHosts: ['localhost', '127.0.0.1'] });
    await initPki(other, { serverHosts: ['localhost'], commonName: 'some other CA' });
  });
  afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('init makes a CA, a server certificate for the hosts, an empty CRL; private keys are 0600', async () => {
    const paths = pkiPaths(dir);
    const ca = new X509Certificate(readFileSync(paths.caCertificate));
    const server = new X509Certificate(readFileSync(paths.serverCertificate));
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(statSync(paths.caKey).mode & 0o777).toBe(0o600);
    expect(statSync(paths.serverKey).mode & 0o777).toBe(0o600);
    const crl = await readRevocationList(
      readFileSync(paths.crl, 'utf8'),
      readFileSync(paths.caCertificate, 'utf8'),
      'crl.pem',
    );
    expect(crl.revokedSerials.size).toBe(0);
    await expect(initPki(dir, { serverHosts: ['localhost'] })).rejects.toThrow(
      /is not empty: a PKI is initialised once/,
    );
  });

  it('issue-site binds the certificate to the site name (CN and SAN URI) and, when given, its id', async () => {
    const issued = await issueSite(dir, 'hospital-a', { siteId: '0f3c2a1e-1111-4222-8333-944445555666' });
    const certificate = new X509Certificate(readFileSync(issued.certificate));
    expect(certificate.subject).toBe('CN=hospital-a');
    expect(siteIdentityOf(certificate)).toEqual({
      siteName: 'hospital-a',
      siteId: '0f3c2a1e-1111-4222-8333-944445555666',
    });
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth only: it cannot serve TLS
    expect(statSync(issued.key).mode & 0o777).toBe(0o600);
    expect(siteIdentityOf(readFileSync(pkiPaths(dir).serverCertificate))).toBeNull();
    await expect(issueSite(dir, '../etc')).rejects.toThrow(/cannot go into a certificate/);
    await expect(issueSite(join(dir, 'nowhere'), 'x')).rejects.toThrow(
      /not a PKI folder \(run fedstroke pki init first\)/,
    );
  });

  it('revoke lists every unrevoked certificate of the site in a CRL signed by the CA; another CA’s key is refused', async () => {
    const first = await issueSite(dir, 'hospital-b');
    const second = await issueSite(dir, 'hospital-b');
    const revoked = await revokeSite(dir, 'hospital-b');
    expect(revoked.sort()).toEqual([first.serialNumber, second.serialNumber].sort());
    const paths = pkiPaths(dir);
    const crlPem = readFileSync(paths.crl, 'utf8');
    const crl = await readRevocationList(crlPem, readFileSync(paths.caCertificate, 'utf8'), 'crl.pem');
    expect([...crl.revokedSerials].sort()).toEqual(revoked.sort());
    expect(
      listIssued(dir)
        .filter((c) => c.name === 'hospital-b')
        .every((c) => c.revokedAt !== null),
    ).toBe(true);
    await expect(revokeSite(dir, 'hospital-b')).rejects.toThrow(
      /no unrevoked certificate was issued to site "hospital-b"/,
    );
    const foreignCa = readFileSync(pkiPaths(other).caCertificate, 'utf8');
    await expect(readRevocationList(crlPem, foreignCa, 'crl.pem')).rejects.toThrow(/not signed by the client CA/);
    expect(await refreshCrl(dir)).toBe(paths.crl);
  });

  it('over a real TLS socket: the CA’s site certificate is authorised; an expired one, another CA’s and a revoked one are not', async () => {
    const paths = pkiPaths(dir);
    const valid = await issueSite(dir, 'hospital-c');
    const expired = await issueSite(dir, 'hospital-d', { validDays: 1, now: new Date(Date.now() - 3 * 86_400_000) });
    const foreign = await issueSite(other, 'hospital-c');
    const revoked = await issueSite(dir, 'hospital-e');
    await revokeSite(dir, 'hospital-e');
    // OpenSSL (under Node's TLS) reads the CRL too: an independent check of what pki revoke writes.
    const server = createServer({
      key: readFileSync(paths.serverKey),
      cert: readFileSync(paths.serverCertificate),
      ca: readFileSync(paths.caCertificate),
      crl: readFileSync(paths.crl),
      requestCert: true,
      rejectUnauthorized: false,
    });
    const verdicts: string[] = [];
    server.on('secureConnection', (socket: TLSSocket) => {
      verdicts.push(socket.authorized ? 'authorized' : String(socket.authorizationError));
      socket.end('bye');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const handshake = (certificate: { certificate: string; key: string }) =>
      new Promise<void>((resolve, reject) => {
        const socket = connect({
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          ca: readFileSync(paths.caCertificate),
          cert: readFileSync(certificate.certificate),
          key: readFileSync(certificate.key),
        });
        socket.on('data', () => undefined);
        socket.on('end', () => resolve());
        socket.on('error', reject);
      });
    try {
      await handshake(valid);
      await handshake(expired);
      await handshake(foreign);
      await handshake(revoked);
    } finally {
      server.close();
    }
    expect(verdicts[0]).toBe('authorized');
    expect(verdicts[1]).toBe('CERT_HAS_EXPIRED');
    expect(verdicts[2]).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
    expect(verdicts[3]).toBe('CERT_REVOKED');
  });
});
