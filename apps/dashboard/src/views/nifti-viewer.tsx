/**
 * The result in NiiVue: the job's DWI in grey with its lesion mask over it in orange, in the DWI's own grid (the
 * mask was written on that grid, and NiiVue places both by their affines). A slider and the plane buttons move
 * through the volume from the keyboard; the canvas itself takes the mouse as NiiVue does.
 */
import { Niivue, NVImage, SLICE_TYPE } from '@niivue/niivue';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiProblem, asProblem } from '../api/plain-errors';
import { useSession } from '../api/session';
import { ProblemBox } from '../components/problem-box';
import { CROSSHAIR_RGBA, MASK_RGB } from '../palette';

const MASK_COLORMAP = 'fedstroke-lesion';
const MASK_OPACITY = 0.7;

/** Each plane, the voxel axis its slider moves along, and its name. */
const PLANES = [
  { type: SLICE_TYPE.AXIAL, axis: 2, name: 'axial' },
  { type: SLICE_TYPE.CORONAL, axis: 1, name: 'coronal' },
  { type: SLICE_TYPE.SAGITTAL, axis: 0, name: 'sagittal' },
] as const;

export function NiftiViewer(props: { dwiPath: string; maskPath: string; shape: number[]; focusMm: number[] | null }) {
  const { api } = useSession();
  const canvas = useRef<HTMLCanvasElement>(null);
  const viewer = useRef<Niivue | null>(null);
  const [ready, setReady] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [plane, setPlane] = useState(0);
  const [voxel, setVoxel] = useState(() => props.shape.map((n) => Math.floor(n / 2)));
  const [showMask, setShowMask] = useState(true);

  const moveTo = (next: number[]) => {
    const nv = viewer.current;
    if (!nv) return;
    nv.scene.crosshairPos = nv.vox2frac([next[0], next[1], next[2]]);
    nv.drawScene();
    setVoxel(next);
  };

  useEffect(() => {
    let current = true;
    let attached = false;
    const nv = new Niivue({
      backColor: [0, 0, 0, 1],
      crosshairColor: CROSSHAIR_RGBA,
      // Thin, with a gap where the lines cross, so the crosshair never hides the voxels it points at.
      crosshairWidth: 0.3,
      crosshairGap: 4,
      show3Dcrosshair: false,
      isColorbar: false,
      isOrientCube: false,
      dragAndDropEnabled: false,
      logLevel: 'warn',
      loadingText: '',
    });
    (async () => {
      const [dwi, mask] = await Promise.all([api.download(props.dwiPath), api.download(props.maskPath)]);
      if (!current || !canvas.current) return;
      await nv.attachToCanvas(canvas.current);
      attached = true;
      const lesionColours = {
        R: [0, MASK_RGB[0]],
        G: [0, MASK_RGB[1]],
        B: [0, MASK_RGB[2]],
        A: [0, 255],
      };
      nv.addColormap(MASK_COLORMAP, { ...lesionColours, I: [0, 255] });
      const background = await NVImage.loadFromUrl({ url: 'dwi.nii', name: 'dwi.nii', buffer: dwi, colormap: 'gray' });
      const overlay = await NVImage.loadFromUrl({
        url: 'mask.nii.gz',
        name: 'mask.nii.gz',
        buffer: mask,
        colormap: MASK_COLORMAP,
        opacity: MASK_OPACITY,
        cal_min: 0.5,
        cal_max: 1,
      });
      if (!current) return;
      // fedstroke writes masks with the NIfTI label intent, and NiiVue draws a label volume through its label
      // lookup table instead of the colormap: give label 1 (lesion) the mask colour there too.
      overlay.setColormapLabel({ ...lesionColours, I: [0, 1], labels: ['', 'lesion'] });
      nv.addVolume(background);
      nv.addVolume(overlay);
      nv.setSliceType(SLICE_TYPE.AXIAL);
      nv.onLocationChange = (location) => {
        const vox = (location as { vox?: ArrayLike<number> }).vox;
        if (vox) setVoxel([vox[0], vox[1], vox[2]].map(Math.round));
      };
      viewer.current = nv;
      // Open on the largest lesion (its centroid is in world millimetres), else on the middle of the volume.
      const start = props.focusMm
        ? Array.from(nv.frac2vox(nv.mm2frac([props.focusMm[0], props.focusMm[1], props.focusMm[2]]))).map(Math.round)
        : props.shape.map((n) => Math.floor(n / 2));
      moveTo(start.map((v, i) => Math.min(Math.max(v, 0), props.shape[i] - 1)));
      setReady(true);
    })().catch((error: unknown) => current && setProblem(asProblem(error)));
    return () => {
      current = false;
      viewer.current = null;
      if (attached) nv.cleanup();
    };
  }, [props.dwiPath, props.maskPath]);

  const { axis, name } = PLANES[plane];
  return (
    <section class="panel viewer" aria-labelledby="viewer-title" id="viewer" data-ready={ready} data-mask={showMask}>
      <h3 id="viewer-title">The mask over the DWI</h3>
      <ProblemBox problem={problem} title="The images could not be shown." />
      <div class="controls">
        <fieldset>
          <legend>Plane</legend>
          {PLANES.map((p, i) => (
            <label key={p.name}>
              <input
                type="radio"
                name="plane"
                checked={plane === i}
                onChange={() => {
                  setPlane(i);
                  viewer.current?.setSliceType(p.type);
                }}
              />{' '}
              {p.name}{' '}
            </label>
          ))}
        </fieldset>
        <label for="slice">
          {name[0].toUpperCase() + name.slice(1)} slice {voxel[axis] + 1} of {props.shape[axis]}
        </label>
        <input
          id="slice"
          type="range"
          min={0}
          max={props.shape[axis] - 1}
          value={voxel[axis]}
          disabled={!ready}
          onInput={(event) => {
            const next = [...voxel];
            next[axis] = Number(event.currentTarget.value);
            moveTo(next);
          }}
        />
        <label>
          <input
            type="checkbox"
            id="show-mask"
            checked={showMask}
            disabled={!ready}
            onChange={(event) => {
              const show = event.currentTarget.checked;
              setShowMask(show);
              viewer.current?.setOpacity(1, show ? MASK_OPACITY : 0);
            }}
          />{' '}
          Show the lesion mask (orange)
        </label>
      </div>
      <div class="viewer-frame">
        <canvas
          ref={canvas}
          role="img"
          aria-label={`DWI in grey with the lesion mask in orange, ${name} slice ${voxel[axis] + 1} of ${props.shape[axis]}`}
        />
      </div>
    </section>
  );
}
