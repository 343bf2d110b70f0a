/**
 * How the site agent proves who it is and knows it talks to its coordinator: over https it presents the site's
 * client certificate (`fedstroke pki issue-site NAME`) beside its token, and trusts the federation's CA for the
 * coordinator's certificate (or the system's CAs when none is given). Plain http is accepted only to a coordinator
 * on this machine (development): anything else would send the token and the model updates in the clear.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { SiteConfigError } from './site-config.error';

export interface SiteTlsConfig {
  certFile: string | null;
  keyFile: string | null;
  caFile: string | null;
  cert: string | null;
  key: string | null;
  ca: string | null;
}

export interface SiteTlsInput {
  certFile?: string;
  keyFile?: string;
  caFile?: string;
}

export function resolveSiteTls(coordinatorUrl: string, input: SiteTlsInput | undefined): SiteTlsConfig | null {
  const url = new URL(coordinatorUrl);
  const { certFile, keyFile, caFile } = input ?? {};
  if (url.protocol === 'http:') {
    if (certFile !== undefined || keyFile !== undefined || caFile !== undefined) {
      throw new SiteConfigError('FEDSTROKE_SITE_TLS_CERT', `needs an https coordinator URL (got ${coordinatorUrl})`);
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!(host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.')))) {
      throw new SiteConfigError(
        'FEDSTROKE_COORDINATOR_URL',
        `is plain http to ${host}: the token and the model updates would travel unencrypted; use https with the ` +
          'site certificate (FEDSTROKE_SITE_TLS_CERT, FEDSTROKE_SITE_TLS_KEY, FEDSTROKE_SITE_TLS_CA)',
      );
    }
    return null;
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new SiteConfigError(
      certFile === undefined ? 'FEDSTROKE_SITE_TLS_CERT' : 'FEDSTROKE_SITE_TLS_KEY',
      'is required too: the site certificate and its key go together',
    );
  }
  return {
    certFile: certFile ?? null,
    keyFile: keyFile ?? null,
    caFile: caFile ?? null,
    cert: certFile === undefined ? null : readPem('FEDSTROKE_SITE_TLS_CERT', certFile),
    key: keyFile === undefined ? null : readPem('FEDSTROKE_SITE_TLS_KEY', keyFile),
    ca: caFile === undefined ? null : readPem('FEDSTROKE_SITE_TLS_CA', caFile),
  };
}

export function siteTlsFromEnvironment(env: NodeJS.ProcessEnv): SiteTlsInput | undefined {
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const input = {
    certFile: value('FEDSTROKE_SITE_TLS_CERT'),
    keyFile: value('FEDSTROKE_SITE_TLS_KEY'),
    caFile: value('FEDSTROKE_SITE_TLS_CA'),
  };
  return Object.values(input).every((v) => v === undefined) ? undefined : input;
}

function readPem(setting: string, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SiteConfigError(
      setting,
      `cannot be read: ${file} (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`,
    );
  }
  if (!text.includes('-----BEGIN ')) throw new SiteConfigError(setting, `${file} is not a PEM file`);
  return text;
}
