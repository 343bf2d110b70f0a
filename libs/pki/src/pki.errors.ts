import { FedstrokeError } from '@fedstroke/common';

export type PkiErrorCode =
  /** A PKI folder that is missing, incomplete, or already initialised. */
  | 'PKI_FOLDER'
  /** A site name or host that cannot go into a certificate. */
  | 'PKI_BAD_NAME'
  /** Nothing issued under that name (revoke), or a certificate that does not parse. */
  | 'PKI_NOT_FOUND'
  /** A revocation list not signed by the CA, or past its next update. */
  | 'PKI_BAD_CRL';

export class PkiError extends FedstrokeError {
  constructor(
    override readonly code: PkiErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
