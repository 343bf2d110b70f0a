export * from './pki.errors';
export * from './site-identity';
export * from './certificate-authority';
export * from './revocation-list';
export * from './pki-folder';
