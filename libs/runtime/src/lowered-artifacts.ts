/**
 * Artifacts are lowered per execution provider (libs/autograd's LOWERINGS): the CPU lowering in onnx-models/<config>/,
 * another provider's in onnx-models/<config>/<provider>/ beside it. A session asked for a provider runs that
 * provider's lowering when it was generated, and the CPU lowering after a fallback to CPU.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { loadArtifacts, type ArtifactFile, type LoadedArtifacts } from './manifest';
import { createSession, parseProvider, type ExecutionProviderName, type ProviderOptions } from './providers';

/** Providers with a lowering of their own (CUDA implements every op of the CPU lowering). */
const OWN_LOWERING: readonly ExecutionProviderName[] = ['webgpu'];

/** The folder holding `provider`'s lowering of the artifacts in `dir`: <dir>/<provider>/ when generated, else <dir>. */
export function loweredArtifactsDir(dir: string, provider: ExecutionProviderName): string {
  if (!OWN_LOWERING.includes(provider)) return dir;
  const lowered = join(dir, provider);
  return existsSync(join(lowered, 'manifest.json')) ? lowered : dir;
}

export interface OpenedArtifacts {
  artifacts: LoadedArtifacts;
  session: ort.InferenceSession;
  /** The provider that runs the session (cpu after a fallback). */
  provider: ExecutionProviderName;
}

/**
 * Loads the artifacts lowered for the requested provider and creates a session for `file` on it; after a fallback to
 * CPU, the CPU lowering's. Says so (one line) when the provider's own lowering is missing.
 */
export async function openArtifacts(
  dir: string,
  file: ArtifactFile,
  options: ProviderOptions,
): Promise<OpenedArtifacts> {
  const requested = parseProvider(options.provider);
  const lowered = loweredArtifactsDir(dir, requested);
  const artifacts = await loadArtifacts(lowered);
  const loweredFor = artifacts.manifest.lowering?.provider ?? 'cpu';
  if (OWN_LOWERING.includes(requested) && loweredFor !== requested) {
    (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(
      `fedstroke: no ${requested} lowering in ${join(dir, requested)}; running the ${loweredFor} lowering on ` +
        `${requested} (generate it with \`fedstroke artifacts --config ${artifacts.manifest.config.name} --provider ${requested}\`)`,
    );
  }
  const created = await createSession(artifacts.paths[file], options);
  if (created.provider === requested || lowered === dir) return { artifacts, ...created };
  await created.session.release();
  const cpuArtifacts = await loadArtifacts(dir);
  const cpu = await createSession(cpuArtifacts.paths[file], { ...options, provider: 'cpu' });
  return { artifacts: cpuArtifacts, ...cpu };
}
