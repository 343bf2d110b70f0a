/**
 * nnU-Net's importance map for blending overlapping windows: a separable Gaussian centred on the window with
 * σ = window · sigmaScale (default 1/8) per axis, peak 1. Predictions near a window's border (less context) count
 * less than those near its centre. Centred at (w − 1)/2 so the map is symmetric and commutes with flip TTA.
 */
export function gaussianProfile(size: number, sigmaScale = 1 / 8): Float32Array {
  const sigma = size * sigmaScale;
  const centre = (size - 1) / 2;
  const profile = new Float32Array(size);
  for (let i = 0; i < size; i++) profile[i] = Math.exp(-((i - centre) ** 2) / (2 * sigma * sigma));
  // Floor like nnU-Net (which replaces zeros with the smallest non-zero weight): no voxel may get weight 0.
  for (let i = 0; i < size; i++) profile[i] = Math.max(profile[i], 1e-6);
  return profile;
}

/** Window start positions along one axis: evenly spread, first at 0, last flush with the end (nnU-Net's rule). */
export function windowStarts(extent: number, window: number, overlap: number): number[] {
  if (window >= extent) return [0];
  const targetStep = Math.max(1, window * (1 - overlap));
  const count = Math.ceil((extent - window) / targetStep) + 1;
  const step = (extent - window) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * step));
}
