/**
 * How the baselines share the machine. onnxruntime-node runs a session synchronously on the JS thread, so parallel
 * training means parallel processes; on this kind of CPU several single-thread processes beat one multi-thread
 * process (measured on 2 cores: 3 × 1 thread did 1125 steps in 435 s, 1 × 2 threads in 714 s). The jobs go onto K
 * lanes, each lane running its jobs one after another in its own child processes: longest job first onto the
 * least-loaded lane (Graham's LPT rule, within 4/3 of the best makespan), planned up front from the step counts.
 */
import { InvalidArgumentError } from '@fedstroke/common';

/**
 * Job indices per lane, in the order each lane runs them. `costs[i]` is job i's estimated cost (its optimizer
 * steps). Returns exactly `laneCount` lanes; a lane is empty when there are fewer jobs than lanes. Ties go to the
 * earlier job and the lower lane, so the plan is deterministic.
 */
export function planLanes(costs: readonly number[], laneCount: number): number[][] {
  if (!Number.isSafeInteger(laneCount) || laneCount < 1)
    throw new InvalidArgumentError(`lane count ${laneCount}: expected an integer ≥ 1`);
  const bad = costs.findIndex((cost) => !Number.isFinite(cost) || cost < 0);
  if (bad >= 0) throw new InvalidArgumentError(`job cost #${bad} is ${costs[bad]}: expected a finite number ≥ 0`);
  const lanes: number[][] = Array.from({ length: laneCount }, () => []);
  const loads = new Array<number>(laneCount).fill(0);
  const longestFirst = costs.map((_, index) => index).sort((a, b) => costs[b] - costs[a] || a - b);
  for (const job of longestFirst) {
    let lightest = 0;
    for (let lane = 1; lane < laneCount; lane++) if (loads[lane] < loads[lightest]) lightest = lane;
    lanes[lightest].push(job);
    loads[lightest] += costs[job];
  }
  return lanes;
}

/**
 * K = min(jobs, cores), or min(jobs, override) when the override (FEDSTROKE_BASELINE_LANES) is set; at least 1.
 * `overrideText` is the raw variable so the error can quote it.
 */
export function laneCount(jobs: number, cores: number, overrideText?: string): number {
  let wanted = cores;
  if (overrideText !== undefined && overrideText !== '') {
    wanted = Number(overrideText);
    if (!Number.isSafeInteger(wanted) || wanted < 1)
      throw new InvalidArgumentError(`FEDSTROKE_BASELINE_LANES "${overrideText}": expected an integer ≥ 1`);
  }
  return Math.max(1, Math.min(jobs, wanted));
}

/** ONNX Runtime intra-op threads per child: the cores split evenly over the lanes, at least one. */
export function threadsPerLane(cores: number, lanes: number): number {
  return Math.max(1, Math.floor(cores / lanes));
}
