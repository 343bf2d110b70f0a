/** The rounds of a federation before a given one, read once: what clip norms and the accountant build on. */
import type { RoundRecord } from '../persistence/records';
import type { RoundRepository } from '../persistence/repositories';

export async function roundsOf(rounds: RoundRepository, federationId: string): Promise<RoundRecord[]> {
  const all: RoundRecord[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await rounds.list(federationId, { offset, limit: 500 });
    all.push(...page.items);
    if (all.length >= page.totalCount || page.items.length === 0) return all;
  }
}

/** The last COMPLETED round before `index`, or null. */
export function lastCompletedBefore(history: readonly RoundRecord[], index: number): RoundRecord | null {
  let found: RoundRecord | null = null;
  for (const round of history) if (round.index < index && round.status === 'COMPLETED') found = round;
  return found;
}
