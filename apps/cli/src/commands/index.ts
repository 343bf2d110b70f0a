import type { Command } from 'commander';
import { registerArtifactsCommand } from './artifacts.command';
import { registerBaselineJobCommand } from './baseline-job.command';
import { registerCoordinatorCommand } from './coordinator.command';
import { registerBenchCommand } from './bench.command';
import { registerCompareCommand } from './compare.command';
import { registerEvaluateCommand } from './evaluate.command';
import { registerExportCommand } from './export.command';
import { registerGradCommand } from './grad.command';
import { registerInspectCommand } from './inspect.command';
import { registerPkiCommand } from './pki.command';
import { registerReportCommand } from './report.command';
import { registerSegmentCommand } from './segment.command';
import { registerSimulateCommand } from './simulate.command';
import { registerSiteCommand } from './site.command';
import { registerSynthCommand } from './synth.command';
import { registerSynthRealismCommand } from './synth-realism.command';
import { registerTrainCommand } from './train.command';

/** Every CLI command, one file each. Add a command by adding its register function here. */
export const commands: Array<(program: Command) => void> = [
  registerArtifactsCommand,
  registerEvaluateCommand,
  registerTrainCommand,
  registerGradCommand,
  registerBenchCommand,
  registerSynthCommand,
  registerSynthRealismCommand,
  registerInspectCommand,
  registerSegmentCommand,
  registerExportCommand,
  registerSimulateCommand,
  registerReportCommand,
  registerCompareCommand,
  registerCoordinatorCommand,
  registerSiteCommand,
  registerPkiCommand,
  registerBaselineJobCommand,
];
