/**
 * The federated learning curve of the report: the global model's validation Dice against the optimizer steps spent
 * on it, as the centralized curve is its model's. The sites validate the global model they receive when a round
 * opens (`--curve-model global`: round r scores the aggregate of round r − 1, reported as valDiceGlobal and
 * averaged by the coordinator), and the final model is the evaluation's own pooled validation figure. The mean of
 * the sites' local models after their local steps (valDice) is another model's figure and is not used here: it
 * flatters the federation whenever averaging costs accuracy (client drift).
 */
import type { CurvePoint } from '@fedstroke/report';

export const GLOBAL_VALIDATION_METRIC = 'valDiceGlobal';

export function federatedCurve(
  rounds: ReadonlyArray<{ index: number; metrics: Readonly<Record<string, number>> }>,
  stepsPerRound: number,
  final: { round: number; dice: number } | null,
): CurvePoint[] {
  const points = rounds
    .filter((r) => r.index > 1 && typeof r.metrics[GLOBAL_VALIDATION_METRIC] === 'number')
    .map((r) => ({ steps: (r.index - 1) * stepsPerRound, dice: r.metrics[GLOBAL_VALIDATION_METRIC] }));
  if (final && !points.some((p) => p.steps === final.round * stepsPerRound)) {
    points.push({ steps: final.round * stepsPerRound, dice: final.dice });
  }
  return points.sort((a, b) => a.steps - b.steps);
}
