/**
 * Float64 reference implementations of the forward ops, written directly from their definitions (loops, no
 * cleverness), so gradient checks can compare ONNX Runtime's float32 results with independent float64 maths.
 * Tensors are row-major with explicit shapes; 3-D ops use [N, C, D, H, W].
 */
export interface Array64 {
  data: Float64Array;
  shape: number[];
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function zeros(shape: number[]): Array64 {
  return { data: new Float64Array(size(shape)), shape };
}

export function map(x: Array64, f: (v: number, i: number) => number): Array64 {
  return { data: x.data.map(f), shape: [...x.shape] };
}

/** Elementwise binary op; shapes must be equal or b a scalar. */
export function zip(a: Array64, b: Array64, f: (x: number, y: number) => number): Array64 {
  const scalar = b.data.length === 1;
  return { data: a.data.map((v, i) => f(v, b.data[scalar ? 0 : i])), shape: [...a.shape] };
}

/** y = conv3d(x, w) + b with cubic kernel, stride s and symmetric zero padding p. */
export function conv3d(x: Array64, w: Array64, b: Array64, stride: number, pad: number): Array64 {
  const [n, ci, d, h, wd] = x.shape;
  const [co, , k] = w.shape;
  const od = Math.floor((d + 2 * pad - k) / stride) + 1;
  const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((wd + 2 * pad - k) / stride) + 1;
  const y = zeros([n, co, od, oh, ow]);
  let o = 0;
  for (let b0 = 0; b0 < n; b0++)
    for (let c = 0; c < co; c++)
      for (let z = 0; z < od; z++)
        for (let yy = 0; yy < oh; yy++)
          for (let xx = 0; xx < ow; xx++, o++) {
            let acc = b.data[c];
            for (let q = 0; q < ci; q++)
              for (let kz = 0; kz < k; kz++) {
                const iz = z * stride + kz - pad;
                if (iz < 0 || iz >= d) continue;
                for (let ky = 0; ky < k; ky++) {
                  const iy = yy * stride + ky - pad;
                  if (iy < 0 || iy >= h) continue;
                  for (let kx = 0; kx < k; kx++) {
                    const ix = xx * stride + kx - pad;
                    if (ix < 0 || ix >= wd) continue;
                    acc +=
                      x.data[(((b0 * ci + q) * d + iz) * h + iy) * wd + ix] *
                      w.data[(((c * ci + q) * k + kz) * k + ky) * k + kx];
                  }
                }
              }
            y.data[o] = acc;
          }
  return y;
}

/** ConvTranspose3d(k=2, s=2): y[n, co, 2m + r] = b[co] + Σ_ci x[n, ci, m]·w[ci, co, r]. */
export function convTranspose2x(x: Array64, w: Array64, b: Array64): Array64 {
  const [n, ci, d, h, wd] = x.shape;
  const co = w.shape[1];
  const y = zeros([n, co, 2 * d, 2 * h, 2 * wd]);
  for (let b0 = 0; b0 < n; b0++)
    for (let c = 0; c < co; c++)
      for (let z = 0; z < 2 * d; z++)
        for (let yy = 0; yy < 2 * h; yy++)
          for (let xx = 0; xx < 2 * wd; xx++) {
            let acc = b.data[c];
            const tap = ((z % 2) * 2 + (yy % 2)) * 2 + (xx % 2);
            for (let q = 0; q < ci; q++) {
              acc +=
                x.data[(((b0 * ci + q) * d + (z >> 1)) * h + (yy >> 1)) * wd + (xx >> 1)] *
                w.data[(q * co + c) * 8 + tap];
            }
            y.data[(((b0 * co + c) * 2 * d + z) * 2 * h + yy) * 2 * wd + xx] = acc;
          }
  return y;
}

/** InstanceNorm over the spatial axes with biased variance, then per-channel affine. */
export function instanceNorm(x: Array64, gamma: Array64, beta: Array64, eps: number): Array64 {
  const [n, c] = x.shape;
  const v = size(x.shape.slice(2));
  const y = zeros([...x.shape]);
  for (let i = 0; i < n * c; i++) {
    const ch = i % c;
    let mean = 0;
    for (let j = 0; j < v; j++) mean += x.data[i * v + j];
    mean /= v;
    let variance = 0;
    for (let j = 0; j < v; j++) variance += (x.data[i * v + j] - mean) ** 2;
    variance /= v;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let j = 0; j < v; j++) y.data[i * v + j] = (x.data[i * v + j] - mean) * inv * gamma.data[ch] + beta.data[ch];
  }
  return y;
}

export const leakyRelu = (x: Array64, alpha: number): Array64 => map(x, (v) => (v > 0 ? v : alpha * v));
export const sigmoid = (x: Array64): Array64 => map(x, (v) => 1 / (1 + Math.exp(-v)));
export const bceWithLogits = (x: Array64, y: Array64): Array64 =>
  zip(x, y, (a, t) => Math.max(a, 0) - a * t + Math.log1p(Math.exp(-Math.abs(a))));

/** Concatenation along axis 1 of [N, C_i, ...] tensors. */
export function concatChannels(parts: Array64[]): Array64 {
  const n = parts[0].shape[0];
  const v = size(parts[0].shape.slice(2));
  const c = parts.reduce((s, p) => s + p.shape[1], 0);
  const y = zeros([n, c, ...parts[0].shape.slice(2)]);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (const p of parts) {
      const block = p.shape[1] * v;
      y.data.set(p.data.subarray(b * block, (b + 1) * block), o);
      o += block;
    }
  return y;
}

/** Sum over all axes but the first: [N, ...] -> [N]. */
export function sumPerSample(x: Array64): Array64 {
  const n = x.shape[0];
  const v = x.data.length / n;
  const y = zeros([n]);
  for (let i = 0; i < x.data.length; i++) y.data[Math.floor(i / v)] += x.data[i];
  return y;
}

export const mean = (x: Array64): number => x.data.reduce((a, b) => a + b, 0) / x.data.length;

/** torch_unet3d.py's dice_bce_loss in float64. */
export function diceBceLoss(logits: Array64, target: Array64, smooth = 1e-5): number {
  const bce = mean(bceWithLogits(logits, target));
  const prob = sigmoid(logits);
  const tp = sumPerSample(zip(prob, target, (p, t) => p * t));
  const ps = sumPerSample(prob);
  const ts = sumPerSample(target);
  let dice = 0;
  for (let i = 0; i < tp.data.length; i++) dice += (2 * tp.data[i] + smooth) / (ps.data[i] + ts.data[i] + smooth);
  return bce + (1 - dice / tp.data.length);
}
