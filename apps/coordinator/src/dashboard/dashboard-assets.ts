/**
 * Serves the built dashboard (apps/dashboard, bundled by scripts/build.js into dist/dashboard) as static files
 * under DASHBOARD_PATH. The files hold no data: every request the page makes carries the token pasted into it and
 * meets the same guard as any other client. The CSP keeps the page to this origin, so nothing it loads or sends
 * can leave the machine even by mistake.
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { DASHBOARD_PATH } from './dashboard-path';

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** dist/dashboard of the package this file belongs to (found from its package.json, in source or compiled form). */
export function builtDashboardDir(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}: cannot locate the built dashboard`);
    dir = parent;
  }
  return join(dir, 'dist', 'dashboard');
}

function securityHeaders(response: ServerResponse): void {
  response.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  // Revalidate every time (ETag): a rebuilt dashboard is picked up at the next load.
  response.setHeader('Cache-Control', 'no-cache');
}

/** Mounts the dashboard; when it was not built, the path answers 503 with what to run instead of a blank page. */
export function mountDashboard(app: NestExpressApplication, dir = builtDashboardDir()): { built: boolean } {
  if (existsSync(join(dir, 'index.html'))) {
    app.useStaticAssets(dir, { prefix: DASHBOARD_PATH, index: 'index.html', setHeaders: securityHeaders });
    return { built: true };
  }
  app.use(DASHBOARD_PATH, (_request: unknown, response: ServerResponse) => {
    response.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(`The dashboard was not built (no ${join(dir, 'index.html')}): run \`npm run build\`.\n`);
  });
  return { built: false };
}
