/**
 * Checks image / label tensors against the network before any compute, so a wrong channel count or a spatial size
 * the U-Net cannot halve evenly is a clear error rather than an ONNX Runtime shape failure deep in the graph.
 */
import { InputShapeError } from './errors';
import type { Manifest } from './manifest';

/** A dense float32 tensor [N, C, D, H, W], x (W) fastest. */
export interface Tensor5D {
  data: Float32Array;
  shape: readonly number[];
}

export function checkImage(image: Tensor5D, manifest: Manifest, argument = 'image'): void {
  const { shape } = image;
  if (shape.length !== 5 || !shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw new InputShapeError(
      `${argument} must have shape [N, C, D, H, W] with positive sizes, got [${shape.join(', ')}]`,
    );
  }
  const channels = manifest.config.inChannels;
  if (shape[1] !== channels) {
    throw new InputShapeError(
      `${argument} has ${shape[1]} channels, model "${manifest.config.name}" expects ${channels} (shape [N, ${channels}, D, H, W])`,
    );
  }
  const multiple = manifest.spatialMultiple;
  const spatial = shape.slice(2);
  if (spatial.some((d) => d % multiple !== 0)) {
    throw new InputShapeError(
      `${argument} spatial size [${spatial.join(', ')}] must be a multiple of ${multiple} in every axis for model "${manifest.config.name}" (pad, or use slidingWindowInference which pads)`,
    );
  }
  checkLength(image, argument);
}

export function checkLabel(label: Tensor5D, image: Tensor5D, argument = 'label'): void {
  const expected = [image.shape[0], 1, ...image.shape.slice(2)];
  if (label.shape.length !== 5 || label.shape.some((d, i) => d !== expected[i])) {
    throw new InputShapeError(
      `${argument} has shape [${label.shape.join(', ')}], expected [${expected.join(', ')}] to match the image`,
    );
  }
  checkLength(label, argument);
}

/** Throws unless the data holds exactly one value per element of the shape. */
export function checkLength(tensor: Tensor5D, argument: string): void {
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  if (tensor.data.length !== count) {
    throw new InputShapeError(
      `${argument} holds ${tensor.data.length} values but shape [${tensor.shape.join(', ')}] needs ${count}`,
    );
  }
}
