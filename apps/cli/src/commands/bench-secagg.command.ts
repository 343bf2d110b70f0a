import { cpus } from 'node:os';
import { InvalidArgumentError, Random } from '@fedstroke/common';
import {
  clipScales,
  decodePayloadSum,
  encodePayload,
  fedAvg,
  neighbourGraph,
  payloadLayout,
  runInProcessRound,
  type ClientUpdate,
  type StepTimes,
  type WireBytes,
} from '@fedstroke/federation';
import type { Command } from 'commander';
import { integerFlag } from './flag-parsers';

/**
 * `fedstroke bench secagg`: what secure aggregation adds to one round, per site count, against plain FedAvg of the
 * same updates. Every site runs in this process, one after another, so a site's figure is the sites' total over n
 * (in a deployment they work in parallel); the coordinator's figure is its sum, unmasking and decoding against
 * plain FedAvg's weighted mean. Bytes are what each step puts on the wire (JSON messages; 4 bytes per masked
 * word) beyond plain FedAvg's one float32 update up per site. With `--dropouts d`, d sites vanish after sharing
 * their keys, so the coordinator also rebuilds their pairwise masks (the expensive recovery path). SecAgg pairs
 * every site with every other (n − 1 masks each); SecAgg+ pairs each with k neighbours (k = 2⌈log2 n⌉), which is
 * what keeps per-site cost flat as n grows.
 */
export interface SecaggBenchRow {
  sites: number;
  variant: 'SecAgg' | 'SecAgg+';
  neighbours: number;
  threshold: number;
  dropouts: number;
  /** Median over repeats. */
  perSiteMs: number;
  coordinatorMs: number;
  plainFedAvgMs: number;
  /** Bytes per site beyond the plain update (its share of keys, shares, the extra masked words, unmasking). */
  addedBytesPerSite: number;
  plainBytesPerSite: number;
  addedBytesTotal: number;
  bytes: WireBytes;
  times: StepTimes;
}

export interface SecaggBenchOptions {
  sites: number[];
  params: number;
  dropouts: number;
  repeats: number;
}

export function runSecaggBench(options: SecaggBenchOptions): { rows: SecaggBenchRow[]; node: string; cpu: string } {
  const rows: SecaggBenchRow[] = [];
  for (const n of options.sites) {
    if (options.dropouts > n - 2) {
      throw new InvalidArgumentError(`--dropouts ${options.dropouts} leaves fewer than 2 of ${n} sites`);
    }
    const plusDegree = 2 * Math.ceil(Math.log2(n));
    const variants: Array<['SecAgg' | 'SecAgg+', number | null]> = [['SecAgg', null]];
    if (plusDegree < n - 1) variants.push(['SecAgg+', plusDegree]);
    for (const [variant, degree] of variants) rows.push(benchOne(n, variant, degree, options));
  }
  return { rows, node: process.version, cpu: cpus()[0]?.model ?? 'unknown' };
}

function benchOne(
  n: number,
  variant: 'SecAgg' | 'SecAgg+',
  degree: number | null,
  options: SecaggBenchOptions,
): SecaggBenchRow {
  const random = new Random(n);
  const L = options.params;
  const global = Float32Array.from({ length: L }, () => random.normal() * 0.05);
  const results: ClientUpdate[] = Array.from({ length: n }, (_, i) => ({
    siteId: `site-${String(i).padStart(3, '0')}`,
    numSamples: 20 + i,
    metrics: {},
    weights: Float32Array.from(global, (g) => g + random.normal() * 1e-3),
  }));
  const ids = results.map((r) => r.siteId);
  const neighbours = degree ?? n - 1;
  const threshold = Math.floor((neighbours + 1) / 2) + 1;
  const clipNorm = 10;
  const layout = payloadLayout({
    parameterCount: L,
    maxSites: n,
    clipNorm,
    maxWeight: 1000,
    noiseStd: 0,
    clipIndicator: null,
  });
  const dropped = ids.slice(1, 1 + options.dropouts);
  const samples: Array<{
    perSite: number;
    coordinator: number;
    plain: number;
    result: ReturnType<typeof runInProcessRound>;
  }> = [];
  // Round −1 warms up (JIT, WebAssembly tier-up of FedAvg's kernel, first touch of every page) and is not counted.
  for (let r = -1; r < options.repeats; r++) {
    const plainStart = performance.now();
    fedAvg(global, results);
    const plain = performance.now() - plainStart;
    const encodeStart = performance.now();
    const { scales } = clipScales(
      global,
      results.map((u) => u.weights),
      clipNorm,
    );
    const inputs = new Map(
      results.map((u, i) => {
        const delta = Float64Array.from(u.weights, (w, j) => u.numSamples * scales[i] * (w - global[j]));
        return [u.siteId, encodePayload(layout, { weightedDelta: delta, weight: u.numSamples }).words];
      }),
    );
    const encode = performance.now() - encodeStart;
    const result = runInProcessRound({
      params: { roundId: `bench-${n}-${variant}-${r}`, threshold, degree, length: layout.length },
      inputs,
      dropAfterShare: dropped,
    });
    const decodeStart = performance.now();
    decodePayloadSum(layout, result.sum, n - dropped.length);
    const decode = performance.now() - decodeStart;
    if (r < 0) continue;
    const t = result.times;
    samples.push({
      perSite: (encode + t.siteAdvertise + t.siteShareKeys + t.siteMask + t.siteAnswer) / n,
      coordinator: t.coordinatorSum + t.coordinatorUnmask + decode,
      plain,
      result,
    });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const last = samples[samples.length - 1].result;
  const plainBytesPerSite = 4 * L;
  const survivors = n - dropped.length;
  const total =
    last.bytes.advertise +
    last.bytes.shares +
    last.bytes.maskedInputs +
    last.bytes.unmask -
    survivors * plainBytesPerSite;
  // Sanity: the graph the sites used is the one the row names.
  const graph = neighbourGraph(ids, degree, `bench-${n}-${variant}-0`);
  if ((graph.get(ids[0])?.size ?? 0) !== neighbours) throw new Error('bench: neighbour graph of unexpected degree');
  return {
    sites: n,
    variant,
    neighbours,
    threshold,
    dropouts: dropped.length,
    perSiteMs: median(samples.map((s) => s.perSite)),
    coordinatorMs: median(samples.map((s) => s.coordinator)),
    plainFedAvgMs: median(samples.map((s) => s.plain)),
    addedBytesPerSite: Math.round(total / n),
    plainBytesPerSite,
    addedBytesTotal: total,
    bytes: last.bytes,
    times: last.times,
  };
}

function describe(result: ReturnType<typeof runSecaggBench>, params: number): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const lines = [
    `secure aggregation, ${params} parameters (plain FedAvg: ${kb(4 * params)} up per site); sites run one after ` +
      'another in this process, so per-site ms = total / n',
    'sites  variant  k   t  drop  per-site ms  coordinator ms (plain FedAvg ms)  added bytes per site (× plain)',
  ];
  for (const r of result.rows) {
    lines.push(
      `${String(r.sites).padStart(5)}  ${r.variant.padEnd(7)} ${String(r.neighbours).padStart(2)} ${String(r.threshold).padStart(3)} ` +
        `${String(r.dropouts).padStart(5)}  ${r.perSiteMs.toFixed(0).padStart(11)}  ${r.coordinatorMs.toFixed(0).padStart(14)} ` +
        `(${r.plainFedAvgMs.toFixed(1)})${''.padStart(14)}  ${kb(r.addedBytesPerSite).padStart(10)} (${(r.addedBytesPerSite / r.plainBytesPerSite).toFixed(3)})`,
    );
  }
  lines.push(`${result.node} on ${result.cpu}`);
  return lines.join('\n');
}

/** Adds `secagg` to the `bench` command (bench.command.ts owns `bench` itself). */
export function registerBenchSecagg(bench: Command): void {
  bench
    .command('secagg')
    .description('bytes and milliseconds secure aggregation adds to a round, per site count, against plain FedAvg')
    .option('--sites <list>', 'comma-separated site counts', '3,10,40')
    .option('--params <n>', 'parameters per model (default: the bench U-Net)', '351593')
    .option('--dropouts <d>', 'sites that drop after sharing keys (their masks are rebuilt by the coordinator)', '1')
    .option('--repeats <n>', 'rounds per configuration; medians reported', '3')
    .option('--json', 'print one JSON object on stdout')
    .action((flags: { sites: string; params: string; dropouts: string; repeats: string; json?: boolean }) => {
      const sites = flags.sites.split(',').map((text) => integerFlag('--sites', text.trim(), 3));
      const params = integerFlag('--params', flags.params, 1);
      const result = runSecaggBench({
        sites,
        params,
        dropouts: integerFlag('--dropouts', flags.dropouts, 0),
        repeats: integerFlag('--repeats', flags.repeats, 1),
      });
      process.stdout.write(
        flags.json ? `${JSON.stringify({ params, ...result }, null, 2)}\n` : `${describe(result, params)}\n`,
      );
    });
}
