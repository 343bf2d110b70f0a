import type { CaseRow, OverlayRole } from './run-report';

/**
 * The cases an overlay figure shows: highest Dice, the median case (lower middle for an even count) and lowest Dice.
 * Ties keep the input order, so the choice is deterministic. Fewer than three cases give fewer picks, never repeats.
 */
export function bestMedianWorst(cases: readonly CaseRow[]): Array<{ role: OverlayRole; row: CaseRow }> {
  if (cases.length === 0) return [];
  const ranked = cases
    .map((row, order) => ({ row, order }))
    .sort((a, b) => b.row.dice - a.row.dice || a.order - b.order);
  const picks: Array<{ role: OverlayRole; index: number }> = [
    { role: 'best', index: 0 },
    { role: 'median', index: Math.floor((ranked.length - 1) / 2) },
    { role: 'worst', index: ranked.length - 1 },
  ];
  const seen = new Set<number>();
  return picks
    .filter(({ index }) => !seen.has(index) && seen.add(index) !== undefined)
    .map(({ role, index }) => ({ role, row: ranked[index].row }));
}
