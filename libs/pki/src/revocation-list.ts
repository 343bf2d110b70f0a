/** Reading a CRL the way the coordinator relies on it: signed by the federation's CA, current, and its serials. */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { normaliseSerial } from './site-identity';
import { PkiError } from './pki.errors';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface RevocationList {
  revokedSerials: ReadonlySet<string>;
  thisUpdate: Date;
  nextUpdate: Date | null;
}

export async function readRevocationList(
  crlPem: string,
  caCertificatePem: string,
  where: string,
): Promise<RevocationList> {
  let crl: x509.X509Crl;
  try {
    crl = new x509.X509Crl(crlPem);
  } catch (cause) {
    throw new PkiError(
      'PKI_BAD_CRL',
      `${where} is not a PEM or DER certificate revocation list (${(cause as Error).message})`,
    );
  }
  const ca = new x509.X509Certificate(caCertificatePem);
  if (!(await crl.verify({ publicKey: await ca.publicKey.export() }))) {
    throw new PkiError('PKI_BAD_CRL', `${where} is not signed by the client CA (${ca.subject}): refusing to trust it`);
  }
  return {
    revokedSerials: new Set(crl.entries.map((entry) => normaliseSerial(entry.serialNumber))),
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate ?? null,
  };
}
