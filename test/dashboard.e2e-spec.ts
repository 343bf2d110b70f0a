/**
 * The dashboard in a real browser (Debian chromium, puppeteer-core) against a real federation: the coordinator and
 * three site agents as separate processes training the tiny U-Net on synthetic cases. Read-only, it follows rounds
 * live (the counter and the learning curve move while the page stays loaded, with no polling) and offers no admin
 * control; admin, it pauses, resumes, cancels, registers and revokes; a wrong token is told so in plain words; and
 * an inference result renders in NiiVue with mask-coloured pixels over the DWI. No request leaves the machine.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { readNifti } from '@fedstroke/nifti';
import { discoverDataset } from '@fedstroke/isles';
import { gql, INFERENCE_TOKEN, READONLY_TOKEN } from './coordinator-kit';
import {
  allowDownloads,
  countPixels,
  type DashboardPage,
  launchBrowser,
  openDashboard,
  screenshot,
  signIn,
  type TestBrowser,
  unlabelledControls,
  waitInPage,
} from './browser-kit';
import {
  buildOnce,
  eventually,
  federationInput,
  ids,
  type FederationWorld,
  makeWorld,
  registerAll,
  startSite,
  waitForStatus,
} from './federation-kit';
import { download, SEGMENT, uploadFile, waitForJob } from './inference-kit';

/** Enough rounds that the federation is still running when the admin pauses it. */
const ROUNDS = 10;
/** Okabe-Ito orange (the mask) blended over grey: red and green well above blue. Grey and the blue crosshair fail. */
const maskColoured = (r: number, g: number, b: number) => r - b > 60 && g - b > 25 && r > g;

let world: FederationWorld;
let browser: TestBrowser;
let federationId: string;
let members: string[];
let readonly: DashboardPage;
let admin: DashboardPage;
const pages: DashboardPage[] = [];

async function open(token?: string, hash = ''): Promise<DashboardPage> {
  const opened = await openDashboard(browser.browser, world.url, token);
  pages.push(opened);
  if (hash) await opened.page.goto(`${world.url}/dashboard/${hash}`);
  return opened;
}

const text = (page: Page, selector: string) =>
  page.$eval(selector, (e) => (e as unknown as { innerText: string }).innerText);
const attribute = (page: Page, selector: string, name: string) =>
  page.$eval(selector, (e, n) => e.getAttribute(n as string), name);

beforeAll(async () => {
  buildOnce();
  world = await makeWorld('dashboard', {
    FEDSTROKE_READONLY_TOKEN: READONLY_TOKEN,
    FEDSTROKE_INFERENCE_TOKEN: INFERENCE_TOKEN,
    FEDSTROKE_INFERENCE_THREADS: '1',
  });
  members = ids(await registerAll(world));
  federationId = await world.admin.createFederation(
    federationInput('dashboard-live', members, {
      rounds: ROUNDS,
      localSteps: 2,
      deadlineSeconds: 120,
      // Sample-level DP-SGD, so that the page has an ε to show and keep up to date.
      differentialPrivacy: { delta: 1e-5, sampleLevel: { clipNorm: 1, noiseMultiplier: 1, expectedBatchSize: 2 } },
    }),
  );
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  for (const { context } of pages) await context.close().catch(() => undefined);
  await browser?.close();
  await world?.cleanup();
});

describe('signing in', () => {
  it('tells a wrong token in plain words and keeps asking for one', async () => {
    const { page } = await open('not-a-token-of-this-coordinator');
    const alert = await text(page, '[role=alert]');
    expect(alert).toMatch(/did not accept this token/);
    expect(alert).toMatch(/not a valid coordinator, read-only, inference or site token/);
    expect(await page.$('#role')).toBeNull();
    expect(await page.$('#token')).not.toBeNull();
    await screenshot(page, '01-wrong-token');
  });

  it('follows a link opened the instant the signed-in page first renders', async () => {
    // Before its first effects run, as a fast machine or a quick click can: the route must not stay at home.
    const { page } = await open();
    await page.evaluate(`new MutationObserver((_, observer) => {
      if (!document.querySelector('#role')) return;
      observer.disconnect();
      location.hash = '#/federations/${federationId}';
    }).observe(document.body, { childList: true, subtree: true })`);
    await signIn(page, READONLY_TOKEN);
    await page.waitForSelector('#round-counter', { timeout: 10_000 });
  });
});

describe('read-only, live', () => {
  it('says which role each token holds and shows the federation before it starts', async () => {
    readonly = await open(READONLY_TOKEN, `#/federations/${federationId}`);
    const { page } = readonly;
    expect(await attribute(page, '#role', 'data-role')).toBe('READONLY');
    expect(await text(page, '#role')).toMatch(/read-only.*change nothing/);
    await waitInPage(page, `document.querySelector('#live-state')?.dataset.connection === 'live'`, 15_000);
    expect(await attribute(page, '#round-counter', 'data-round')).toBe('0');
    // Marks this document: a reload would lose it.
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    // The admin's page is open too, ready to pause the federation while it runs.
    admin = await open(world.adminToken, `#/federations/${federationId}`);
    expect(await attribute(admin.page, '#role', 'data-role')).toBe('ADMIN');
    await admin.page.waitForSelector('[data-action=start]');
  });

  it('moves the round counter and the learning curve as rounds complete, pushed over graphql-ws, not polled', async () => {
    const { page, log } = readonly;
    const postsBefore = log.graphqlPosts();
    await world.admin.startFederation(federationId);
    // The sites also score the global model they receive, for the global learning curve.
    for (const folder of world.folders)
      startSite(world, folder, federationId, { FEDSTROKE_SITE_VALIDATE_GLOBAL: 'true' });

    await waitInPage(page, `Number(document.querySelector('#round-counter')?.dataset.completed) >= 1`, 120_000);
    const firstPoints = Number(await attribute(page, '#curve-trainLoss', 'data-points'));
    expect(firstPoints).toBeGreaterThanOrEqual(1);
    await waitInPage(page, `Number(document.querySelector('#round-counter')?.dataset.completed) >= 2`, 120_000);
    const round = Number(await attribute(page, '#round-counter', 'data-round'));
    const completed = Number(await attribute(page, '#round-counter', 'data-completed'));
    const points = Number(await attribute(page, '#curve-trainLoss', 'data-points'));
    expect(round).toBeGreaterThanOrEqual(2);
    expect(points).toBe(completed);
    expect(points).toBeGreaterThan(firstPoints);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    // Only what events trigger: a model-version reload per ROUND_COMPLETED and one federation reload when it
    // started. Nothing on a timer.
    expect(log.graphqlPosts() - postsBefore).toBeLessThanOrEqual(completed + 1);
  });
});

describe('admin, while the federation runs', () => {
  it('pauses and resumes it, and the read-only page sees both live', async () => {
    const { page } = admin;
    await page.waitForSelector('[data-action=pause]');
    await page.click('[data-action=pause]');
    await page.waitForSelector('[data-action=resume]');
    expect((await world.admin.federation(federationId)).status).toBe('PAUSED');
    await waitInPage(readonly.page, `!!document.querySelector('h2 [data-status=PAUSED]')`, 15_000);
    await screenshot(page, '04-federation-paused-admin');
    // From the keyboard: focus the button and press Enter.
    await page.focus('[data-action=resume]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-action=pause]');
    expect((await world.admin.federation(federationId)).status).toBe('RUNNING');
    await waitInPage(readonly.page, `!!document.querySelector('h2 [data-status=RUNNING]')`, 15_000);
  });
});

describe('read-only, what it shows and what it does not offer', () => {
  it('shows participants, learning curves per site, privacy settings; no weights link; every control labelled', async () => {
    const { page } = readonly;
    // Three sites and the weighted series; per-site validation Dice too.
    expect(await page.$$eval('#curve-trainLoss thead th', (ths) => ths.length)).toBe(1 + 3 + 1);
    expect(Number(await attribute(page, '#curve-valDice', 'data-points'))).toBeGreaterThanOrEqual(1);
    // The global model's curve: round r's sites scored round r − 1's aggregate, so the first point is the model of
    // round 0 (the initial weights).
    expect(Number(await attribute(page, '#curve-valDiceGlobal', 'data-points'))).toBeGreaterThanOrEqual(2);
    expect(await page.$$eval('#curve-valDiceGlobal tbody th', (ths) => ths.map((th) => th.textContent))).toContain('0');
    expect(await page.$eval('#curve-valDiceGlobal thead th', (th) => th.textContent)).toBe('Model of round');
    // The participants of a completed round: status, samples, timing, bytes.
    const row = await page.$eval(
      `details[data-round-index="1"] table.participants tbody tr`,
      (e) => e.textContent ?? '',
    );
    expect(row).toMatch(/accepted/);
    expect(row).toMatch(/KiB|MiB/);
    // The privacy settings, and the budget the coordinator's accountant says is spent after the last round shown.
    expect(await text(page, '#privacy')).toMatch(/Update clipping.*off/s);
    expect(await text(page, '#privacy')).toMatch(/sample level \(DP-SGD\): clip 1, σ = 1, expected batch 2/);
    expect(await text(page, '#privacy-secure')).toMatch(/^off/);
    expect(await attribute(page, '#privacy-budget', 'data-accounted')).toBe('true');
    const shown = Number(await attribute(page, '#privacy-budget', 'data-sample-epsilon'));
    const lastRound = Number(await attribute(page, '#round-counter', 'data-completed'));
    const rounds = await world.admin.rounds(federationId);
    const accounted = rounds.find((r) => r.index === lastRound)?.privacy.sampleEpsilon;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeCloseTo(accounted ?? NaN, 6);
    expect(await text(page, '#privacy-budget')).toMatch(new RegExp(`sample level ε = .* after round ${lastRound}`));
    // Model weights are not for read-only tokens: no link, a note instead.
    expect(await page.$$('#model-versions [data-download]')).toHaveLength(0);
    expect(await text(page, '#model-versions')).toMatch(/admin and inference roles only/);
    expect(await unlabelledControls(page)).toEqual([]);
    await screenshot(page, '02-federation-live-readonly');
  });

  it('offers no admin control anywhere', async () => {
    const { page } = readonly;
    expect(await page.$$('[data-action]')).toHaveLength(0);
    expect(await page.$('#admin-controls')).toBeNull();
    await page.goto(`${world.url}/dashboard/#/sites`);
    await page.waitForSelector('#sites tbody tr');
    expect(await page.$('#register-site')).toBeNull();
    expect(await page.$$('[data-action]')).toHaveLength(0);
    expect(await page.$$eval('#sites tbody tr', (rows) => rows.length)).toBe(3);
    await screenshot(page, '03-sites-readonly');
    await page.goto(`${world.url}/dashboard/#/inference`);
    expect(await text(page, '[data-not-for-role]')).toMatch(/admin or inference roles only/);
    await page.goto(`${world.url}/dashboard/#/federations/${federationId}`);
  });
});

describe('admin', () => {
  it('registers a site and shows its working token once, then revokes it', async () => {
    const { page } = admin;
    await page.goto(`${world.url}/dashboard/#/sites`);
    await page.waitForSelector('#site-name');
    await page.type('#site-name', 'hospital-x');
    await page.click('[data-action=register-site]');
    await page.waitForSelector('#issued-token [data-token]');
    const token = (await text(page, '#issued-token [data-token]')).trim();
    const check = '{ currentSite { name status } }';
    expect((await gql(world.url, token, check)).data).toEqual({
      currentSite: { name: 'hospital-x', status: 'ACTIVE' },
    });
    await screenshot(page, '05-site-registered-admin');
    expect(await unlabelledControls(page)).toEqual([]);
    await page.click('[data-action=hide-token]');
    // A reload keeps the session (the token is in this tab's sessionStorage) but never the site token.
    await page.reload();
    await page.waitForSelector('#sites tbody tr[data-site="hospital-x"]');
    expect(await attribute(page, '#role', 'data-role')).toBe('ADMIN');
    expect(await page.content()).not.toContain(token);

    await page.click('tr[data-site="hospital-x"] [data-action=revoke]');
    await page.click('tr[data-site="hospital-x"] [data-action=revoke-confirm]');
    await page.waitForSelector('tr[data-site="hospital-x"] [data-status=REVOKED]');
    expect((await gql(world.url, token, check)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('cancels a federation with the reason given', async () => {
    const other = await world.admin.createFederation(federationInput('dashboard-cancel', members));
    const { page } = admin;
    await page.goto(`${world.url}/dashboard/#/federations/${other}`);
    await page.waitForSelector('[data-action=cancel]');
    await page.click('[data-action=cancel]');
    await page.type('#cancel-reason', 'wrong cohort');
    await page.click('[data-action=cancel-confirm]');
    await page.waitForSelector('h2 [data-status=CANCELLED]');
    expect(await world.admin.federation(other)).toMatchObject({ status: 'CANCELLED', statusReason: 'wrong cohort' });
  });
});

describe('inference result in NiiVue', () => {
  let jobId: string;
  /** The axial slice holding most of the mask: the viewer opens on the largest lesion's centroid, which a
   * non-convex lesion (a crescent, a ring round a ventricle) does not contain. */
  let busiestSlice: number;

  it('segments a study with the federated model once the federation completes', async () => {
    const done = await waitForStatus(world, federationId, 'COMPLETED', 240_000);
    expect(done.latestModelVersion?.roundIndex).toBe(ROUNDS);
    await waitInPage(readonly.page, `!!document.querySelector('h2 [data-status=COMPLETED]')`, 15_000);
    await screenshot(readonly.page, '06-federation-completed-readonly');
    // The top of the page, as the README shows it.
    await screenshot(readonly.page, '06-federation-completed-readonly-top', 1230);

    // The admin downloads the final weights through the page's link; they are the version the coordinator names.
    const downloads = mkdtempSync(join(world.root, 'downloads-'));
    await allowDownloads(browser.browser, admin.context, downloads);
    await admin.page.goto(`${world.url}/dashboard/#/federations/${federationId}`);
    await admin.page.waitForSelector(`#model-versions [data-download="${ROUNDS}"]`);
    await admin.page.click(`#model-versions [data-download="${ROUNDS}"]`);
    const saved = await eventually(async () => readdirSync(downloads).find((f) => f.endsWith('.f32')), 30_000);
    const bytes = readFileSync(join(downloads, saved));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(done.latestModelVersion!.sha256);
    const dataset = await discoverDataset(world.dataDir, { policy: 'fail', requireMask: true, requireFlair: true });
    const study = dataset.cases[0];
    const dwi = await uploadFile(world.url, INFERENCE_TOKEN, study.dwi, 'dwi.nii.gz');
    const adc = await uploadFile(world.url, INFERENCE_TOKEN, study.adc, 'adc.nii.gz');
    // Inference serves only a promoted model; the tiny model after a few short rounds misses the serving policy's
    // validation bar, so the administrator promotes it on the page: the latest round is offered first, and the
    // button stays disabled until a reason is typed.
    await admin.page.waitForSelector('#serving-now[data-serving-version=""]');
    expect(await admin.page.$eval('#serve-version', (e) => (e as unknown as { value: string }).value)).toBe(
      done.latestModelVersion!.id,
    );
    expect(
      await admin.page.$eval('[data-action=promote]', (b) => (b as unknown as { disabled: boolean }).disabled),
    ).toBe(true);
    await admin.page.type('#serve-reason', 'dashboard test');
    await admin.page.click('[data-action=promote]');
    await admin.page.waitForSelector(`#serving-now[data-serving-round="${ROUNDS}"]`);
    expect(await text(admin.page, '#serving-now')).toMatch(/promoted .* by an administrator: dashboard test/);
    const served = await gql<{ servingModel: { modelVersion: { id: string }; promotion: { reason: string } } }>(
      world.url,
      READONLY_TOKEN,
      '{ servingModel { modelVersion { id } promotion { reason } } }',
    );
    expect(served.data?.servingModel).toEqual({
      modelVersion: { id: done.latestModelVersion!.id },
      promotion: { reason: 'dashboard test' },
    });
    const segment = async (extra: Record<string, unknown>) => {
      const submitted = await gql<{ segmentStudy: { id: string } }>(world.url, INFERENCE_TOKEN, SEGMENT, {
        input: {
          dwi: { uploadId: dwi.body.uploadId },
          adc: { uploadId: adc.body.uploadId },
          modelVersionId: done.latestModelVersion!.id,
          ...extra,
        },
      });
      expect(submitted.errors).toBeUndefined();
      const job = await waitForJob(world.url, submitted.data!.segmentStudy.id);
      expect(job.status).toBe('SUCCEEDED');
      return job;
    };
    // The tiny model after a few short rounds is no segmenter: threshold its own probabilities at their 98th
    // percentile, so the mask is a lesion-sized region whatever it learnt. The test is about drawing the mask.
    const first = await segment({ returnProbability: true });
    const map = join(world.root, 'prob.nii.gz');
    writeFileSync(map, (await download(world.url, INFERENCE_TOKEN, first.probabilityDownloadPath!)).bytes);
    const probabilities = Float32Array.from((await readNifti(map)).data).sort();
    const job = await segment({ threshold: probabilities[Math.floor(probabilities.length * 0.98)] });
    expect(job.result!.lesionCount).toBeGreaterThan(0);
    jobId = job.id;
    const maskFile = join(world.root, 'mask.nii.gz');
    writeFileSync(maskFile, (await download(world.url, INFERENCE_TOKEN, job.maskDownloadPath!)).bytes);
    const mask = await readNifti(maskFile);
    const [nx, ny, nz] = mask.shape;
    const perSlice = Array.from({ length: nz }, (_, k) =>
      mask.data.subarray(k * nx * ny, (k + 1) * nx * ny).reduce((sum, v) => sum + (v > 0 ? 1 : 0), 0),
    );
    busiestSlice = perSlice.indexOf(Math.max(...perSlice));
  });

  it('lists the job with its timings and QC warnings, and draws the mask over the DWI', async () => {
    const { page } = admin;
    await page.goto(`${world.url}/dashboard/#/inference`);
    await page.waitForSelector(`#inference-jobs tr[data-job="${jobId}"]`);
    const row = await text(page, `#inference-jobs tr[data-job="${jobId}"]`);
    expect(row).toMatch(/succeeded/);
    expect(row).toMatch(/FLAIR_MISSING/);
    await screenshot(page, '07-inference-jobs-admin');

    await page.click(`#inference-jobs tr[data-job="${jobId}"] a`);
    await waitInPage(page, `document.querySelector('#viewer')?.dataset.ready === 'true'`, 60_000);
    await page.evaluate(
      `(() => { const s = document.querySelector('#slice'); s.value = '${busiestSlice}'; s.dispatchEvent(new Event('input', { bubbles: true })); })()`,
    );
    await waitInPage(
      page,
      `document.querySelector('label[for=slice]')?.textContent?.includes('slice ${busiestSlice + 1} of')`,
      5_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const canvas = (await page.$('#viewer canvas'))!;
    const withMask = countPixels(await canvas.screenshot(), maskColoured);
    expect(withMask).toBeGreaterThan(20);
    await screenshot(page, '08-inference-viewer-admin');

    await page.click('#show-mask');
    await waitInPage(page, `document.querySelector('#viewer')?.dataset.mask === 'false'`, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const withoutMask = countPixels(await canvas.screenshot(), maskColoured);
    expect(withoutMask).toBeLessThan(withMask / 20);
    expect(await text(page, '#qc-warnings')).toMatch(/FLAIR_MISSING/);
    expect(await unlabelledControls(page)).toEqual([]);
  });
});

describe('serving, from the admin page', () => {
  it('withdraws the serving model with a reason, after which inference refuses until a promotion', async () => {
    const { page } = admin;
    await page.goto(`${world.url}/dashboard/#/federations/${federationId}`);
    await page.waitForSelector(`#serving-now[data-serving-round="${ROUNDS}"]`);
    await page.type('#serve-reason', 'validation on local data pending');
    await page.click('[data-action=withdraw]');
    await page.waitForSelector('#serving-now[data-serving-version=""]');
    expect(await text(page, '#serving-done')).toMatch(/No model is served now/);
    expect((await gql(world.url, READONLY_TOKEN, '{ servingModel { modelVersion { id } } }')).data).toEqual({
      servingModel: null,
    });
    const events = await gql<{ servingEvents: { items: Array<{ action: string; reason: string }> } }>(
      world.url,
      READONLY_TOKEN,
      '{ servingEvents { items { action reason } } }',
    );
    expect(events.data?.servingEvents.items.slice(0, 2)).toEqual([
      { action: 'WITHDRAW', reason: 'validation on local data pending' },
      { action: 'PROMOTE', reason: 'dashboard test' },
    ]);
    // The read-only page shows what is served and offers no control.
    await readonly.page.goto(`${world.url}/dashboard/#/federations/${federationId}`);
    await readonly.page.waitForSelector('#serving-now[data-serving-version=""]');
    expect(await readonly.page.$('[data-action=promote]')).toBeNull();
  });
});

describe('the whole session', () => {
  it('made no request off this machine, hit no CSP violation and threw no error', () => {
    for (const { log } of pages) {
      expect(log.requests.length).toBeGreaterThan(0);
      expect(log.foreign()).toEqual([]);
      expect(log.cspViolations).toEqual([]);
      expect(log.pageErrors).toEqual([]);
    }
  });
});
