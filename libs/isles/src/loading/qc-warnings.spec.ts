import { axisTiltDegrees, brainMaskWarnings, orientationWarnings, type QcGrid, spacingWarnings } from './qc-warnings';

function grid(spacing: [number, number, number], columns?: number[][]): QcGrid {
  const affine = new Float64Array(16);
  const cols = columns ?? [
    [spacing[0], 0, 0],
    [0, spacing[1], 0],
    [0, 0, spacing[2]],
  ];
  for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) affine[r * 4 + c] = cols[c][r];
  affine[15] = 1;
  return { role: 'DWI', spacing, affine };
}

describe('QC warnings', () => {
  it('passes a 2 mm isotropic axial grid and flags coarse or anisotropic spacing', () => {
    expect([...spacingWarnings(grid([2, 2, 2])), ...orientationWarnings(grid([2, 2, 2]))]).toEqual([]);
    expect(spacingWarnings(grid([0.9, 0.9, 5])).map((w) => w.code)).toEqual(['SPACING_COARSE', 'SPACING_ANISOTROPIC']);
  });

  it('flags an oblique grid by its tilt and a sagittal grid as non-axial', () => {
    const angle = (15 * Math.PI) / 180;
    const oblique = grid(
      [2, 2, 2],
      [
        [2, 0, 0],
        [0, 2 * Math.cos(angle), 2 * Math.sin(angle)],
        [0, -2 * Math.sin(angle), 2 * Math.cos(angle)],
      ],
    );
    expect(axisTiltDegrees(oblique.affine)[1]).toBeCloseTo(15, 6);
    expect(orientationWarnings(oblique).map((w) => w.code)).toEqual(['ORIENTATION_OBLIQUE']);
    const sagittal = grid(
      [2, 2, 2],
      [
        [0, 2, 0],
        [0, 0, 2],
        [2, 0, 0],
      ],
    );
    expect(orientationWarnings(sagittal)[0].message).toMatch(/R\/L \(sagittal\)/);
  });

  it('flags an empty brain mask and a volume that is not skull-stripped', () => {
    expect(brainMaskWarnings(new Uint8Array(100)).map((w) => w.code)).toEqual(['BRAIN_MASK_EMPTY']);
    expect(brainMaskWarnings(new Uint8Array(100).fill(1)).map((w) => w.code)).toEqual(['BRAIN_MASK_WHOLE_VOLUME']);
    const brain = new Uint8Array(100);
    brain.fill(1, 20, 60);
    expect(brainMaskWarnings(brain)).toEqual([]);
  });
});
