/**
 * What of a postgres:// URL may be shown: logs, boot errors and the readiness log name the server with its password
 * replaced by ***, whether it sits in the user info or in a `password=` query parameter.
 */
export function maskPostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not parseable as a URL: hide everything between the scheme and the host, as the config error does.
    return url.replace(/\/\/[^@/]*@/, '//***@').replace(/([?&]password=)[^&]*/g, '$1***');
  }
  if (parsed.password !== '') parsed.password = '***';
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
  // URL re-encodes '*' in a query value; keep the mask readable.
  return parsed.toString().replace(/password=%2A%2A%2A/g, 'password=***');
}
