/**
 * `simulate` runs the federation over mutual TLS by default, as a hospital deployment would: a throwaway CA per
 * run (runs/<id>/pki, `fedstroke pki`'s layout), the coordinator serving HTTPS with site certificates required,
 * each site agent presenting its own certificate bound to its site, and this process trusting the run's CA for
 * its admin calls and the progress subscription.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { initPki, issueSite, type PkiPaths } from '@fedstroke/pki';
import { Agent } from 'undici';

export interface RunPki {
  paths: PkiPaths;
  /** PEM of the run's CA, for this process's own HTTPS and WSS calls. */
  caPem: string;
  /** Connection pool for admin calls (no client certificate: the admin token is its own proof). */
  dispatcher: Agent;
  coordinatorEnv: NodeJS.ProcessEnv;
  /** Issues the site's certificate (bound to its name and id) and returns the agent's environment. */
  siteEnv(site: { name: string; id: string }): Promise<NodeJS.ProcessEnv>;
}

export async function throwawayPki(runDir: string, runId: string): Promise<RunPki> {
  const dir = join(runDir, 'pki');
  const paths = await initPki(dir, {
    serverHosts: ['127.0.0.1', 'localhost'],
    commonName: `fedstroke simulate ${runId} (throwaway CA)`,
    caDays: 30,
    certificateDays: 30,
    crlDays: 30,
  });
  const caPem = readFileSync(paths.caCertificate, 'utf8');
  return {
    paths,
    caPem,
    dispatcher: new Agent({ connect: { ca: caPem } }),
    coordinatorEnv: { FEDSTROKE_PKI_DIR: dir },
    siteEnv: async (site) => {
      const issued = await issueSite(dir, site.name, { siteId: site.id, validDays: 30 });
      return {
        FEDSTROKE_SITE_TLS_CERT: issued.certificate,
        FEDSTROKE_SITE_TLS_KEY: issued.key,
        FEDSTROKE_SITE_TLS_CA: paths.caCertificate,
      };
    },
  };
}
