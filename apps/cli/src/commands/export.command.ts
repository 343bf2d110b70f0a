/**
 * `fedstroke export VERSION_ID --out DIR`: a coordinator model version as a model export (model.safetensors, which
 * PyTorch's UNet3D loads with strict=True, plus manifest.json with the config, both sha256s and how it was trained),
 * read either from a coordinator's data directory (its database and model files) or over its API.
 */
import { resolve } from 'node:path';
import { InvalidArgumentError } from '@fedstroke/common';
import { fetchModelVersion } from '@fedstroke/inference';
import { loadArtifacts, type ModelExportManifest, type ModelProvenance, writeModelExport } from '@fedstroke/runtime';
import { ensureArtifacts } from '@fedstroke/unet';
import type { Command } from 'commander';
import { readStoredModelVersion } from '@fedstroke/coordinator';
import { coordinatorToken, fetchModelVersionInfo } from '../models/coordinator-model';

interface ExportFlags {
  out: string;
  dataDir?: string;
  databaseUrl?: string;
  coordinator?: string;
  artifacts: string;
  json?: boolean;
}

interface Resolved {
  config: string;
  provenance: ModelProvenance;
  weights: (manifest: Parameters<typeof fetchModelVersion>[3]) => Promise<Float32Array>;
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'Write a coordinator model version as DIR/model.safetensors (one tensor per parameter, named like the PyTorch ' +
        "reference's state_dict: UNet3D(...).load_state_dict(..., strict=True)) and DIR/manifest.json (model config, " +
        'parameter names, shapes and offsets, sha256s, and how it was trained: federation, round, data). Read from a ' +
        'coordinator data directory (--data-dir) or over its API (--coordinator, token in FEDSTROKE_INFERENCE_TOKEN or ' +
        'FEDSTROKE_ADMIN_TOKEN).',
    )
    .argument('<version-id>', 'the model version id (GraphQL modelVersions, or a simulate run summary)')
    .requiredOption('--out <dir>', 'folder to write model.safetensors and manifest.json into')
    .option('--data-dir <dir>', "a coordinator's data directory (its coordinator.sqlite and models/)")
    .option('--database-url <url>', 'with --data-dir: the database when it is not the SQLite file there (postgres://…)')
    .option('--coordinator <url>', "a coordinator's base URL, instead of --data-dir")
    .option(
      '--artifacts <dir>',
      'root folder of the artifact folders (the manifest gives names and shapes)',
      'onnx-models',
    )
    .option('--json', 'print the written manifest as JSON on stdout')
    .action(async (versionId: string, flags: ExportFlags) => {
      const written = await exportModelVersion(versionId, flags);
      process.stdout.write(flags.json ? `${JSON.stringify(written, null, 2)}\n` : describe(written, flags.out));
    });
}

export async function exportModelVersion(versionId: string, flags: ExportFlags): Promise<ModelExportManifest> {
  if (Boolean(flags.dataDir) === Boolean(flags.coordinator)) {
    throw new InvalidArgumentError('give one of --data-dir DIR (a coordinator data directory) or --coordinator URL');
  }
  const resolved = flags.dataDir
    ? await fromDataDir(versionId, flags.dataDir, flags.databaseUrl)
    : await fromApi(versionId, flags.coordinator as string);
  const { manifest } = await loadArtifacts(
    await ensureArtifacts(flags.artifacts, resolved.config, 'cpu', (line) => {
      if (!flags.json) process.stderr.write(`${line}\n`);
    }),
  );
  return writeModelExport(resolve(flags.out), manifest, await resolved.weights(manifest), resolved.provenance);
}

async function fromDataDir(versionId: string, dataDir: string, databaseUrl?: string): Promise<Resolved> {
  const stored = await readStoredModelVersion({ dataDir, databaseUrl }, versionId);
  const { model } = stored.federation.config;
  return {
    config: model.name,
    provenance: stored.provenance,
    weights: async (manifest) => {
      if (manifest.parameterLayoutSha256 !== model.parameterLayoutSha256) {
        throw new InvalidArgumentError(
          `model version ${versionId} has parameter layout ${model.parameterLayoutSha256}; the local artifacts of ` +
            `config "${model.name}" have ${manifest.parameterLayoutSha256}: point --artifacts at the coordinator's`,
        );
      }
      return stored.weights;
    },
  };
}

async function fromApi(versionId: string, url: string): Promise<Resolved> {
  const token = coordinatorToken('export', versionId);
  const info = await fetchModelVersionInfo(url, versionId, token);
  return {
    config: info.config,
    provenance: info.training,
    weights: (manifest) => fetchModelVersion(url, versionId, token, manifest),
  };
}

function describe(written: ModelExportManifest, out: string): string {
  const p = written.provenance;
  return (
    [
      `wrote ${resolve(out)}/model.safetensors and manifest.json: config ${written.config.name}, ` +
        `${written.parameterCount} parameters, sha256 ${written.weights.parameterSha256}`,
      `trained: ${p.untrained ? 'no (initial weights)' : `federation ${p.federationName} (${p.federationId}), round ${p.roundIndex} of ${p.rounds}, data ${p.trainingData}`}`,
      `PyTorch: ${written.pytorch}.load_state_dict(safetensors.torch.load_file("model.safetensors"), strict=True)`,
    ].join('\n') + '\n'
  );
}
