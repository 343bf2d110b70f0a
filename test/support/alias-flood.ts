/**
 * The red-team query of issue 11: `aliases` copies of a nested query over 50 federations (their current rounds'
 * participants with metrics, their latest models with metrics), written with a fragment so that 800 of them fit in
 * a 40 kB request. 800 took 17-27 s and blocked the event loop before the cost limit; one costs about 12,450, so 19
 * stay just under the default limit of 250,000.
 */
export function aliasFlood(aliases: number): string {
  const fragment =
    'fragment f on FederationPage { items { id name currentRound { id participants { siteId metrics { name value } } } ' +
    'latestModelVersion { id metrics { name value } } } }';
  const selections = Array.from({ length: aliases }, (_, i) => `a${i}: federations(limit: 50) { ...f }`);
  return `{ ${selections.join(' ')} } ${fragment}`;
}
