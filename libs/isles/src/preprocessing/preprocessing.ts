import type { LoadedCase } from '../loading/loaded-case';

/**
 * One preprocessing scheme (nnU-Net's normalization style: one short class per scheme). `apply` returns a new case
 * and never mutates its input, so a pipeline can be re-run on the same loaded case.
 */
export interface Preprocessing {
  readonly name: string;
  apply(input: LoadedCase): LoadedCase;
}

/** Runs the steps in order. */
export function preprocessCase(input: LoadedCase, steps: readonly Preprocessing[]): LoadedCase {
  return steps.reduce((current, step) => step.apply(current), input);
}
