/**
 * Fetches a federation model version from a coordinator (GET /models/:id, raw little-endian float32 with its sha256
 * and parameter-layout hash in headers), so a workstation can segment with exactly the weights the coordinator
 * serves. The body is checked against both headers and against the local artifacts' layout before use.
 */
import { sha256, type Manifest } from '@fedstroke/runtime';
import { SegmentationModelError } from './errors';

/** Header names of GET /models/:id (apps/coordinator MODEL_HEADERS; repeated here because libs do not import apps). */
const SHA256_HEADER = 'x-fedstroke-sha256';
const LAYOUT_HEADER = 'x-fedstroke-layout-sha256';

export async function fetchModelVersion(
  coordinatorUrl: string,
  versionId: string,
  token: string,
  manifest: Manifest,
): Promise<Float32Array> {
  const url = `${coordinatorUrl.replace(/\/+$/, '')}/models/${encodeURIComponent(versionId)}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new SegmentationModelError(`model version ${versionId}: cannot reach ${url} (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (!response.ok) {
    throw new SegmentationModelError(
      `model version ${versionId}: ${url} answered ${response.status} ${(await response.text()).slice(0, 300)}`,
    );
  }
  const layout = response.headers.get(LAYOUT_HEADER);
  if (layout && layout !== manifest.parameterLayoutSha256) {
    throw new SegmentationModelError(
      `model version ${versionId} has parameter layout ${layout}, the artifacts of config "${manifest.config.name}" ` +
        `have ${manifest.parameterLayoutSha256}: pass the --config the federation was trained with`,
    );
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const expected = response.headers.get(SHA256_HEADER);
  if (expected && sha256(bytes) !== expected) {
    throw new SegmentationModelError(
      `model version ${versionId}: body sha256 ${sha256(bytes)} differs from the header's ${expected}`,
    );
  }
  if (bytes.byteLength !== manifest.parameterCount * 4) {
    throw new SegmentationModelError(
      `model version ${versionId}: ${bytes.byteLength} bytes, config "${manifest.config.name}" needs ${manifest.parameterCount * 4}`,
    );
  }
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}
