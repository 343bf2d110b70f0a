/**
 * Stands in for `zarrita` in the bundle (scripts/build.js aliases it). NiiVue imports zarrita for OME-Zarr volumes,
 * which pulls in numcodecs' WebAssembly codecs: 1.3 MB of the 2.4 MB bundle for a format the dashboard never loads
 * (it shows NIfTI only). Every entry NiiVue uses is here and fails loudly if anything ever calls it.
 */
function unsupported(): never {
  throw new Error('OME-Zarr volumes are not supported in the fedstroke dashboard (it shows NIfTI files only)');
}

export const FetchStore = unsupported;
export const get = unsupported;
export const open = unsupported;
export const root = unsupported;
export const slice = unsupported;
