/**
 * Fetches a federation model version from a coordinator (GET /models/:id, raw little-endian float32 with its sha256
 * and parameter-layout hash in headers: @fedstroke/protocol), so a workstation can segment with exactly the weights
 * the coordinator serves. The layout is checked against the local artifacts before the body is read; the body is
 * read into one buffer of the manifest's size while hashing, and checked against the sha256 header.
 */
import { joinUrl, MODEL_HEADERS, modelDownloadPath, parseRefusalBody, readFloat32Body } from '@fedstroke/protocol';
import type { Manifest } from '@fedstroke/runtime';
import { SegmentationModelError } from './errors';

export async function fetchModelVersion(
  coordinatorUrl: string,
  versionId: string,
  token: string,
  manifest: Manifest,
): Promise<Float32Array> {
  const url = joinUrl(coordinatorUrl, modelDownloadPath(versionId));
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new SegmentationModelError(`model version ${versionId}: cannot reach ${url} (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (!response.ok) {
    const text = await response.text();
    const refusal = parseRefusalBody(parseJson(text));
    throw new SegmentationModelError(
      refusal
        ? `model version ${versionId}: the coordinator refused it (${response.status} ${refusal.code}): ${refusal.message}`
        : `model version ${versionId}: ${url} answered ${response.status} ${text.slice(0, 300)}`,
    );
  }
  const layout = response.headers.get(MODEL_HEADERS.layoutSha256);
  if (layout && layout !== manifest.parameterLayoutSha256) {
    await response.body?.cancel();
    throw new SegmentationModelError(
      `model version ${versionId} has parameter layout ${layout}, the artifacts of config "${manifest.config.name}" ` +
        `have ${manifest.parameterLayoutSha256}: pass the --config the federation was trained with`,
    );
  }
  try {
    const body = await readFloat32Body(response.body, {
      source: `model version ${versionId} (config "${manifest.config.name}")`,
      parameterCount: manifest.parameterCount,
      sha256: response.headers.get(MODEL_HEADERS.sha256),
    });
    return body.weights;
  } catch (error) {
    throw new SegmentationModelError((error as Error).message, { cause: error });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
