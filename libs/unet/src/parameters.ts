import { stageFeatures, UNetConfig } from './config';

export type ParameterRole = 'conv.weight' | 'conv.bias' | 'norm.weight' | 'norm.bias' | 'up.weight' | 'up.bias';

export interface ParameterDef {
  /** PyTorch state_dict key of torch_unet3d.UNet3D. */
  name: string;
  shape: number[];
  role: ParameterRole;
  /** Inputs feeding one output value (for He initialisation of weights). */
  fanIn: number;
}

export interface ParameterLayout {
  parameters: ParameterDef[];
  offsets: number[];
  count: number;
}

function convBlock(prefix: string, cin: number, cout: number, k: number): ParameterDef[] {
  return [
    { name: `${prefix}.0.weight`, shape: [cout, cin, k, k, k], role: 'conv.weight', fanIn: cin * k ** 3 },
    { name: `${prefix}.0.bias`, shape: [cout], role: 'conv.bias', fanIn: cin * k ** 3 },
    { name: `${prefix}.1.weight`, shape: [cout], role: 'norm.weight', fanIn: 1 },
    { name: `${prefix}.1.bias`, shape: [cout], role: 'norm.bias', fanIn: 1 },
  ];
}

const stage = (prefix: string, cin: number, cout: number, k: number): ParameterDef[] => [
  ...convBlock(`${prefix}.0`, cin, cout, k),
  ...convBlock(`${prefix}.1`, cout, cout, k),
];

/**
 * The parameters in PyTorch state_dict order (module registration order: encoder, up, decoder, head), so the
 * contiguous buffer, the checkpoint and `UNet3D().state_dict()` agree key for key and shape for shape.
 * up.j.weight keeps ConvTranspose3d's [Cin, Cout, 2, 2, 2] layout.
 */
export function parameterDefs(config: UNetConfig): ParameterDef[] {
  const f = stageFeatures(config);
  const k = config.kernelSize;
  const defs: ParameterDef[] = [];
  f.forEach((cout, i) => defs.push(...stage(`encoder.${i}`, i === 0 ? config.inChannels : f[i - 1], cout, k)));
  for (let j = 0; j < config.levels - 1; j++) {
    const i = config.levels - 2 - j;
    defs.push(
      { name: `up.${j}.weight`, shape: [f[i + 1], f[i], 2, 2, 2], role: 'up.weight', fanIn: f[i + 1] },
      { name: `up.${j}.bias`, shape: [f[i]], role: 'up.bias', fanIn: f[i + 1] },
    );
  }
  for (let j = 0; j < config.levels - 1; j++) {
    const i = config.levels - 2 - j;
    defs.push(...stage(`decoder.${j}`, 2 * f[i], f[i], k));
  }
  defs.push(
    { name: 'head.weight', shape: [config.outChannels, f[0], 1, 1, 1], role: 'conv.weight', fanIn: f[0] },
    { name: 'head.bias', shape: [config.outChannels], role: 'conv.bias', fanIn: f[0] },
  );
  return defs;
}

export function parameterLayout(config: UNetConfig): ParameterLayout {
  const parameters = parameterDefs(config);
  const offsets: number[] = [];
  let count = 0;
  for (const p of parameters) {
    offsets.push(count);
    count += p.shape.reduce((a, b) => a * b, 1);
  }
  return { parameters, offsets, count };
}

/**
 * The conv biases right before an InstanceNorm: the norm removes them, so the graphs leave them out and their gradient
 * is exactly 0 (the training graph outputs zeros for them). They stay parameters so that a checkpoint loads into
 * torch_unet3d.UNet3D with strict=True and back.
 */
export function normBiasFreeParameters(config: UNetConfig): Set<string> {
  return new Set(
    parameterDefs(config).flatMap((p) => (p.role === 'conv.bias' && p.name !== 'head.bias' ? [p.name] : [])),
  );
}

/**
 * The affine γ (weight) and β (bias) of every InstanceNorm: what a FedBN-style site keeps local, since they absorb
 * each center's feature statistics (704 of the `bench` U-Net's 351,593 parameters).
 */
export function instanceNormParameterNames(config: UNetConfig): Set<string> {
  return new Set(parameterDefs(config).flatMap((p) => (p.role.startsWith('norm.') ? [p.name] : [])));
}
