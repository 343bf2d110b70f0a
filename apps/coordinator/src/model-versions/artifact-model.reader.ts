/**
 * Reads the initial global model of a federation from the artifacts folder that `fedstroke artifacts` wrote:
 * `<artifactsDir>/<name>/manifest.json` (parameterCount, parameterLayoutSha256, parameter offsets) and
 * `checkpoint.safetensors`, whose tensors placed at their manifest offsets form the contiguous parameter buffer.
 * The coordinator needs nothing else from the artifacts (it never runs a model to federate one).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FedstrokeError } from '@fedstroke/common';
import { type ParameterLayout, readSafetensors } from '@fedstroke/runtime';
import type { ModelConfigRecord } from '../persistence/records';

export class ArtifactModelError extends FedstrokeError {
  constructor(message: string) {
    super('INVALID_ARTIFACTS', message);
  }
}

interface ManifestSubset {
  parameterCount: number;
  parameterLayoutSha256: string;
  parameters?: Array<{ name: string; offset: number; size: number }>;
}

/** What checking foreign weights against a config needs: its name, parameter names, shapes and offsets. */
export type ConfigLayout = ParameterLayout & { parameterLayoutSha256: string };

/** The config's manifest, for weights uploaded from elsewhere (e.g. PyTorch) to be checked against. */
export async function readParameterLayout(artifactsDir: string, name: string): Promise<ConfigLayout> {
  const manifestPath = join(artifactsDir, name, 'manifest.json');
  const manifest = await readManifest(manifestPath, name);
  if (!Array.isArray(manifest.parameters) || manifest.parameters.length === 0) {
    throw new ArtifactModelError(`${manifestPath} lists no parameters (names and shapes) to check weights against`);
  }
  return {
    config: { name },
    parameters: manifest.parameters as ConfigLayout['parameters'],
    parameterCount: manifest.parameterCount,
    parameterLayoutSha256: manifest.parameterLayoutSha256,
  };
}

async function readManifest(manifestPath: string, name: string): Promise<ManifestSubset> {
  let manifest: ManifestSubset;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as ManifestSubset;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ArtifactModelError(
      code === 'ENOENT'
        ? `${manifestPath} does not exist: build it with "fedstroke artifacts --config ${name}" or set FEDSTROKE_ARTIFACTS_DIR`
        : `${manifestPath} is not readable JSON: ${(error as Error).message}`,
    );
  }
  if (!Number.isInteger(manifest.parameterCount) || manifest.parameterCount <= 0) {
    throw new ArtifactModelError(`${manifestPath}: parameterCount must be a positive integer`);
  }
  if (typeof manifest.parameterLayoutSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(manifest.parameterLayoutSha256)) {
    throw new ArtifactModelError(`${manifestPath}: parameterLayoutSha256 must be 64 lowercase hex characters`);
  }
  return manifest;
}

export async function readArtifactModel(
  artifactsDir: string,
  name: string,
): Promise<{ model: ModelConfigRecord; weights: Float32Array }> {
  const folder = join(artifactsDir, name);
  const manifestPath = join(folder, 'manifest.json');
  const manifest = await readManifest(manifestPath, name);
  const checkpointPath = join(folder, 'checkpoint.safetensors');
  const { tensors } = await readSafetensors(checkpointPath);
  const weights = new Float32Array(manifest.parameterCount);
  const offsets = new Map((manifest.parameters ?? []).map((p) => [p.name, p]));
  let cursor = 0;
  for (const tensor of tensors) {
    const entry = offsets.get(tensor.name);
    const offset = entry ? entry.offset : cursor;
    if (entry && entry.size !== tensor.data.length) {
      throw new ArtifactModelError(
        `${checkpointPath}: tensor ${tensor.name} has ${tensor.data.length} values, the manifest says ${entry.size}`,
      );
    }
    if (offset + tensor.data.length > weights.length) {
      throw new ArtifactModelError(
        `${checkpointPath}: tensor ${tensor.name} ends past parameterCount ${manifest.parameterCount}`,
      );
    }
    weights.set(tensor.data, offset);
    cursor = offset + tensor.data.length;
  }
  const total = tensors.reduce((sum, t) => sum + t.data.length, 0);
  if (total !== manifest.parameterCount) {
    throw new ArtifactModelError(
      `${checkpointPath} holds ${total} parameters but ${manifestPath} says parameterCount ${manifest.parameterCount}`,
    );
  }
  return {
    model: { name, parameterCount: manifest.parameterCount, parameterLayoutSha256: manifest.parameterLayoutSha256 },
    weights,
  };
}
