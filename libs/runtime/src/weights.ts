/**
 * Checks that weights fit a model's parameter layout and gathers them into the contiguous buffer (manifest order)
 * that the TrainingSession, the optimizer and federated aggregation all work on.
 */
import { WeightsError } from './errors';
import type { Manifest } from './manifest';
import { readSafetensors, type NamedTensor } from './safetensors';

/** What checking weights needs of a manifest: the parameter names, shapes and offsets, and the config's name. */
export type ParameterLayout = Pick<Manifest, 'parameters' | 'parameterCount'> & { config: { name: string } };

/** Tensors under this prefix in a checkpoint hold optimizer state, not parameters. */
export const OPTIMIZER_PREFIX = 'optimizer.';

/** Throws naming the first non-finite value: which parameter, which index inside it, and the value. */
export function assertFiniteParameters(buffer: Float32Array, manifest: ParameterLayout, source: string): void {
  for (let i = 0; i < buffer.length; i++) {
    const value = buffer[i];
    if (value - value !== 0) {
      // NaN - NaN and Inf - Inf are NaN; the check costs one subtraction per element on the happy path.
      const spec = manifest.parameters.find((p) => i >= p.offset && i < p.offset + p.size);
      const where = spec ? `parameter ${spec.name} index ${i - spec.offset}` : `element ${i}`;
      throw new WeightsError(`${Number.isNaN(value) ? 'NaN' : value} in ${source} at ${where}`);
    }
  }
}

/**
 * Gathers the parameter tensors of `tensors` (any order, e.g. a PyTorch-written file) into one new buffer in manifest
 * order. Tensors named `optimizer.*` are ignored. Length, names, shapes and finiteness are all checked.
 */
export function gatherParameters(
  tensors: readonly NamedTensor[],
  manifest: ParameterLayout,
  source: string,
): Float32Array {
  const parameters = tensors.filter((t) => !t.name.startsWith(OPTIMIZER_PREFIX));
  const total = parameters.reduce((sum, t) => sum + t.data.length, 0);
  if (total !== manifest.parameterCount) {
    throw new WeightsError(
      `checkpoint of the wrong length: ${source} holds ${total} parameter values in ${parameters.length} tensors, ` +
        `model "${manifest.config.name}" has ${manifest.parameterCount} in ${manifest.parameters.length}`,
    );
  }
  const byName = new Map(parameters.map((t) => [t.name, t]));
  const buffer = new Float32Array(manifest.parameterCount);
  for (const spec of manifest.parameters) {
    const tensor = byName.get(spec.name);
    if (!tensor) throw new WeightsError(`${source} has no tensor "${spec.name}" (model "${manifest.config.name}")`);
    if (tensor.shape.length !== spec.shape.length || tensor.shape.some((d, i) => d !== spec.shape[i])) {
      throw new WeightsError(
        `${source}: tensor "${spec.name}" has shape [${tensor.shape.join(',')}], the model expects [${spec.shape.join(',')}]`,
      );
    }
    buffer.set(tensor.data, spec.offset);
    byName.delete(spec.name);
  }
  if (byName.size > 0) {
    throw new WeightsError(
      `${source} has tensors the model does not know: ${[...byName.keys()].slice(0, 5).join(', ')}`,
    );
  }
  assertFiniteParameters(buffer, manifest, source);
  return buffer;
}

/** Splits a contiguous buffer into named tensors (views, no copy) for writing a safetensors file. */
export function splitParameters(buffer: Float32Array, manifest: ParameterLayout, prefix = ''): NamedTensor[] {
  return manifest.parameters.map((spec) => ({
    name: `${prefix}${spec.name}`,
    shape: spec.shape,
    data: buffer.subarray(spec.offset, spec.offset + spec.size),
  }));
}

/** Reads a weights file (safetensors keyed by parameter name, e.g. a checkpoint or PyTorch export) into a buffer. */
export async function readWeightsFile(path: string, manifest: Manifest): Promise<Float32Array> {
  const { tensors } = await readSafetensors(path);
  return gatherParameters(tensors, manifest, path);
}
