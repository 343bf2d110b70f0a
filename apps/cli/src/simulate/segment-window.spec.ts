import { DEFAULT_SEGMENT_OPTIONS, modelWindow } from '@fedstroke/inference';
import { recordedTrainingPatch, trainingPatchMetrics } from '@fedstroke/metrics';
import { UNKNOWN_PROVENANCE } from '@fedstroke/runtime';
import { Command } from 'commander';
import { SITE_DEFAULTS } from '@fedstroke/site';
import { registerSegmentCommand } from '../commands/segment.command';
import { SIMULATE_DEFAULTS } from './simulation-options';

// InstanceNorm normalises over whatever it is given: a model must be run at the patch it was trained on, or every
// reported and served figure is of a model run on statistics it never saw.
describe("segment's window", () => {
  it('falls back, for models that record no patch, to the patch that site agents and simulate train on by default', () => {
    expect([...DEFAULT_SEGMENT_OPTIONS.window]).toEqual(SITE_DEFAULTS.patchSize);
    expect([...DEFAULT_SEGMENT_OPTIONS.window].join('x')).toBe(SIMULATE_DEFAULTS.patch);
    expect(modelWindow({ training: UNKNOWN_PROVENANCE })).toEqual(SITE_DEFAULTS.patchSize);
    expect(modelWindow({ training: { ...UNKNOWN_PROVENANCE, trainingPatch: null } })).toEqual(SITE_DEFAULTS.patchSize);
  });

  it('is the patch a site reports it trained on, as the coordinator records it with the model version', () => {
    // A site trained on other patches (FEDSTROKE_SITE_PATCH): the patch travels as update metrics, the aggregation
    // keeps it on the model version, its provenance names it, and inference defaults to it.
    const patch: [number, number, number] = [40, 56, 56];
    const trainingPatch = recordedTrainingPatch({ valDice: 0.6, ...trainingPatchMetrics(patch) });
    expect(modelWindow({ training: { ...UNKNOWN_PROVENANCE, trainingPatch } })).toEqual(patch);
  });

  it('is no fixed default of `fedstroke segment --window` (the model decides)', () => {
    const program = new Command();
    registerSegmentCommand(program);
    const option = program.commands[0].options.find((o) => o.long === '--window');
    expect(option?.defaultValue).toBeUndefined();
    expect(option?.description).toMatch(/default: the patch the model records it was trained on, else 32x48x48/);
  });
});
