/**
 * Who pairs with whom. SecAgg (Bonawitz et al., CCS 2017) pairs every site with every other: n − 1 masks and
 * n − 1 share envelopes per site, quadratic in total. SecAgg+ (Bell, Bonawitz, Gascón, Lepoint, Raykova, CCS 2020)
 * pairs each site with k neighbours of a random k-regular graph, so each site's cost grows with k = O(log n).
 * The graph here is the Harary graph H(k, n): sites on a ring, each joined to its k/2 nearest on either side, the
 * ring order being a shuffle seeded by the round id, so every site and the coordinator compute the same graph.
 */
import { createHash } from 'node:crypto';
import { SecureAggregationError } from './secure-aggregation.errors';

/** Each site's neighbours (itself excluded), for sites given in any order. `degree` null: the complete graph. */
export function neighbourGraph(
  siteIds: readonly string[],
  degree: number | null,
  roundId: string,
): Map<string, Set<string>> {
  const n = siteIds.length;
  const graph = new Map<string, Set<string>>(siteIds.map((id) => [id, new Set<string>()]));
  if (graph.size !== n) throw new SecureAggregationError('BAD_MESSAGE', 'a site appears twice in the roster');
  if (degree === null || degree >= n - 1) {
    for (const a of siteIds) for (const b of siteIds) if (a !== b) graph.get(a)?.add(b);
    return graph;
  }
  if (!Number.isInteger(degree) || degree < 2 || degree % 2 !== 0) {
    throw new SecureAggregationError('BAD_PARAMETERS', `SecAgg+ degree must be an even integer ≥ 2, got ${degree}`);
  }
  const ring = [...siteIds].sort((a, b) => ringKey(roundId, a).localeCompare(ringKey(roundId, b)));
  for (let i = 0; i < n; i++) {
    for (let step = 1; step <= degree / 2; step++) {
      const a = ring[i];
      const b = ring[(i + step) % n];
      graph.get(a)?.add(b);
      graph.get(b)?.add(a);
    }
  }
  return graph;
}

/** Sites whose secrets a neighbourhood must hold: a site's neighbours and itself. */
export function neighbourhoodSize(graph: Map<string, Set<string>>, siteId: string): number {
  return (graph.get(siteId)?.size ?? 0) + 1;
}

/**
 * The rule that makes unmasking one site impossible for a coordinator that lies about dropouts: honest sites
 * reveal one kind of share per peer, so reconstructing both a site's self-mask seed and its mask key takes 2t
 * distinct answering neighbours, which a neighbourhood of size m < 2t does not have.
 */
export function assertSafeThreshold(threshold: number, neighbourhood: number): void {
  if (!Number.isInteger(threshold) || threshold < 2) {
    throw new SecureAggregationError(
      'BAD_PARAMETERS',
      `secure aggregation threshold must be an integer ≥ 2, got ${threshold}`,
    );
  }
  if (2 * threshold <= neighbourhood) {
    throw new SecureAggregationError(
      'BAD_PARAMETERS',
      `threshold ${threshold} is not above half of a neighbourhood of ${neighbourhood} sites: a coordinator could ` +
        `collect both secrets of one site; use a threshold of at least ${Math.floor(neighbourhood / 2) + 1}`,
    );
  }
}

function ringKey(roundId: string, siteId: string): string {
  return createHash('sha256').update(`fedstroke/secagg/ring/${roundId}/${siteId}`).digest('hex');
}
