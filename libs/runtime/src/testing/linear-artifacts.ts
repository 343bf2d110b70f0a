/**
 * Test fixture: a complete artifacts folder (per ARTIFACTS.md) for the smallest model that follows the contract — a
 * per-voxel logistic regression, i.e. a 1×1×1 Conv3d from C channels to one logit, with mean BCE-with-logits loss.
 * Its gradients are written out by hand as ONNX ops: with z = conv(image), dL/dz = (sigmoid(z) − label) / count,
 * grad.weight = Σ_{n,d,h,w} dL/dz · image, grad.bias = Σ dL/dz. Small enough to check against float64 in tests.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS_FORMAT, parameterLayoutSha256, sha256, type Manifest, type ParameterSpec } from '../manifest';
import { encodeSafetensors } from '../safetensors';
import { encodeModel, type NodeSpec, type ValueInfo } from './onnx-proto';

export interface LinearArtifactsOptions {
  inChannels?: number;
  spatialMultiple?: number;
  /** Initial [w_0 … w_{C−1}, b]. Default: a fixed small pattern. */
  initial?: number[];
}

const IMAGE: ValueInfo = { name: 'image', shape: ['N', 0, 'D', 'H', 'W'] };
const LABEL: ValueInfo = { name: 'label', shape: ['N', 1, 'D', 'H', 'W'] };

function parameterInputs(channels: number): ValueInfo[] {
  return [
    { name: 'conv.weight', shape: [1, channels, 1, 1, 1] },
    { name: 'conv.bias', shape: [1] },
  ];
}

const forward: NodeSpec[] = [{ op: 'Conv', inputs: ['image', 'conv.weight', 'conv.bias'], outputs: ['z'] }];
const bceLoss: NodeSpec[] = [
  { op: 'Softplus', inputs: ['z'], outputs: ['softplus_z'] },
  { op: 'Mul', inputs: ['z', 'label'], outputs: ['z_label'] },
  { op: 'Sub', inputs: ['softplus_z', 'z_label'], outputs: ['bce'] },
  { op: 'ReduceMean', inputs: ['bce'], outputs: ['loss'], attributes: { keepdims: { int: 0 } } },
];
const backward: NodeSpec[] = [
  { op: 'Sigmoid', inputs: ['z'], outputs: ['p'] },
  { op: 'Sub', inputs: ['p', 'label'], outputs: ['residual'] },
  { op: 'Size', inputs: ['label'], outputs: ['count_i'] },
  { op: 'Cast', inputs: ['count_i'], outputs: ['count'], attributes: { to: { int: 1 } } },
  { op: 'Div', inputs: ['residual', 'count'], outputs: ['dz'] },
  { op: 'Mul', inputs: ['dz', 'image'], outputs: ['dz_image'] },
  { op: 'ReduceSum', inputs: ['dz_image', 'axes_nspatial'], outputs: ['grad.conv.weight'] },
  { op: 'ReduceSum', inputs: ['dz', 'axes_nspatial'], outputs: ['dz_sum'], attributes: { keepdims: { int: 0 } } },
  { op: 'Identity', inputs: ['dz_sum'], outputs: ['grad.conv.bias'] },
];
const AXES = [{ name: 'axes_nspatial', values: [0, 2, 3, 4] }];

/** Writes training/eval/inference models, checkpoint and manifest into `dir`; returns the manifest. */
export async function writeLinearArtifacts(dir: string, options: LinearArtifactsOptions = {}): Promise<Manifest> {
  const channels = options.inChannels ?? 2;
  const image = { ...IMAGE, shape: ['N', channels, 'D', 'H', 'W'] };
  const params = parameterInputs(channels);
  const models: Record<string, Uint8Array> = {
    'training_model.onnx': encodeModel({
      name: 'training',
      inputs: [...params, image, LABEL],
      outputs: [{ name: 'loss', shape: [] }, ...params.map((p) => ({ name: `grad.${p.name}`, shape: p.shape }))],
      nodes: [...forward, ...bceLoss, ...backward],
      initializers: AXES,
    }),
    'eval_model.onnx': encodeModel({
      name: 'eval',
      inputs: [...params, image, LABEL],
      outputs: [{ name: 'loss', shape: [] }, { name: 'prob' }],
      nodes: [...forward, ...bceLoss, { op: 'Sigmoid', inputs: ['z'], outputs: ['prob'] }],
    }),
    'inference_model.onnx': encodeModel({
      name: 'inference',
      inputs: [...params, image],
      outputs: [{ name: 'prob' }],
      nodes: [...forward, { op: 'Sigmoid', inputs: ['z'], outputs: ['prob'] }],
    }),
  };
  const initial = options.initial ?? [
    ...Array.from({ length: channels }, (_, c) => 0.1 * (c + 1) * (c % 2 ? -1 : 1)),
    0,
  ];
  const parameters: ParameterSpec[] = [
    { name: 'conv.weight', shape: [1, channels, 1, 1, 1], offset: 0, size: channels },
    { name: 'conv.bias', shape: [1], offset: channels, size: 1 },
  ];
  const checkpoint = encodeSafetensors(
    parameters.map((p) => ({
      name: p.name,
      shape: p.shape,
      data: Float32Array.from(initial.slice(p.offset, p.offset + p.size)),
    })),
  );
  await mkdir(dir, { recursive: true });
  for (const [file, bytes] of Object.entries(models)) await writeFile(join(dir, file), bytes);
  await writeFile(join(dir, 'checkpoint.safetensors'), checkpoint);
  const manifest: Manifest = {
    format: ARTIFACTS_FORMAT,
    config: {
      name: 'linear-fixture',
      inChannels: channels,
      baseFilters: 1,
      levels: 1,
      featuresCap: 1,
      kernelSize: 1,
      outChannels: 1,
    },
    spatialMultiple: options.spatialMultiple ?? 4,
    parameters,
    parameterCount: channels + 1,
    parameterLayoutSha256: parameterLayoutSha256(parameters),
    inputs: { image: image.shape, label: LABEL.shape as Array<number | string> },
    files: {
      'training_model.onnx': sha256(models['training_model.onnx']),
      'eval_model.onnx': sha256(models['eval_model.onnx']),
      'inference_model.onnx': sha256(models['inference_model.onnx']),
      'checkpoint.safetensors': sha256(checkpoint),
    },
    optimizer: { type: 'adamw', lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
    opset: 17,
  };
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
