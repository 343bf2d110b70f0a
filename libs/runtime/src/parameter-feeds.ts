/**
 * Parameters are graph INPUTS (ARTIFACTS.md): each one is fed as an ort.Tensor VIEW over the contiguous parameter
 * buffer, built once, so ONNX Runtime reads the weights in place (no copy per run) and an optimizer step or
 * `loadParametersBuffer` (which write into the same buffer) is seen by the next run without rebuilding anything.
 */
import * as ort from 'onnxruntime-node';
import type { Manifest } from './manifest';

export type Feeds = Record<string, ort.Tensor>;

export function parameterViews(manifest: Manifest, buffer: Float32Array, prefix = ''): Feeds {
  const feeds: Feeds = {};
  for (const spec of manifest.parameters) {
    feeds[`${prefix}${spec.name}`] = new ort.Tensor(
      'float32',
      buffer.subarray(spec.offset, spec.offset + spec.size),
      spec.shape,
    );
  }
  return feeds;
}
