import { InvalidArgumentError } from '@fedstroke/common';

export type LrScheduleKind = 'poly' | 'cosine' | 'constant';
export const LR_SCHEDULE_KINDS: readonly LrScheduleKind[] = ['poly', 'cosine', 'constant'];

/**
 * Learning rate as a function of the optimizer step.
 * - poly (nnU-Net): lr0 · (1 − t/T)^exponent, exponent 0.9;
 * - cosine: minLr + (lr0 − minLr) · (1 + cos(π t/T)) / 2;
 * - constant: lr0.
 * With warmupSteps > 0 the first steps ramp linearly up to lr0 (step s gets lr0 · (s+1)/warmup), and t, T count
 * from the end of the warmup.
 */
export interface LrSchedule {
  kind: LrScheduleKind;
  baseLr: number;
  totalSteps: number;
  warmupSteps?: number;
  /** Poly exponent (default 0.9, nnU-Net's). */
  exponent?: number;
  /** Floor for cosine (default 0). */
  minLr?: number;
}

export function validateLrSchedule(schedule: LrSchedule): void {
  if (!LR_SCHEDULE_KINDS.includes(schedule.kind))
    throw new InvalidArgumentError(`lr schedule "${schedule.kind}": expected one of ${LR_SCHEDULE_KINDS.join(', ')}`);
  if (!(schedule.baseLr > 0) || !Number.isFinite(schedule.baseLr))
    throw new InvalidArgumentError(`learning rate ${schedule.baseLr}: expected a finite number > 0`);
  if (!Number.isInteger(schedule.totalSteps) || schedule.totalSteps < 1)
    throw new InvalidArgumentError(`lr schedule total steps ${schedule.totalSteps}: expected an integer ≥ 1`);
  const warmup = schedule.warmupSteps ?? 0;
  if (!Number.isInteger(warmup) || warmup < 0 || warmup >= schedule.totalSteps)
    throw new InvalidArgumentError(
      `warmup steps ${warmup}: expected an integer in [0, ${schedule.totalSteps - 1}] (below the total steps)`,
    );
}

/** The learning rate for 0-based optimizer step `step`; steps at or beyond totalSteps get the final value. */
export function learningRateAt(schedule: LrSchedule, step: number): number {
  const warmup = schedule.warmupSteps ?? 0;
  if (step < warmup) return (schedule.baseLr * (step + 1)) / warmup;
  const span = schedule.totalSteps - warmup;
  const progress = Math.min(1, (step - warmup) / span);
  switch (schedule.kind) {
    case 'constant':
      return schedule.baseLr;
    case 'poly':
      return schedule.baseLr * Math.pow(1 - progress, schedule.exponent ?? 0.9);
    case 'cosine': {
      const floor = schedule.minLr ?? 0;
      return floor + ((schedule.baseLr - floor) * (1 + Math.cos(Math.PI * progress))) / 2;
    }
  }
}
