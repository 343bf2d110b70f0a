/**
 * A coordinator's model version over its API, for a workstation: which config it belongs to and how it was trained
 * (GraphQL `modelVersion { config training }`); its weights come from GET /models/:id (libs/inference's
 * fetchModelVersion, checked against the sha256 and layout headers). The token is an inference or admin token.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { SegmentationModelError } from '@fedstroke/inference';
import type { ModelProvenance } from '@fedstroke/runtime';

export interface CoordinatorModelInfo {
  config: string;
  sha256: string;
  training: ModelProvenance;
}

const QUERY = `query ($id: ID!) { modelVersion(id: $id) { sha256 config training {
  kind untrained federationId federationName modelVersionId roundIndex rounds strategy trainingData startedFrom } } }`;

/** The token a command uses to read model versions: FEDSTROKE_INFERENCE_TOKEN, else FEDSTROKE_ADMIN_TOKEN. */
export function coordinatorToken(flag: string, versionId: string): string {
  const token = process.env.FEDSTROKE_INFERENCE_TOKEN ?? process.env.FEDSTROKE_ADMIN_TOKEN;
  if (!token) {
    throw new InvalidArgumentError(
      `${flag} ${versionId} is read from the coordinator: set FEDSTROKE_INFERENCE_TOKEN (or FEDSTROKE_ADMIN_TOKEN)`,
    );
  }
  return token;
}

export async function fetchModelVersionInfo(
  url: string,
  versionId: string,
  token: string,
): Promise<CoordinatorModelInfo> {
  const endpoint = `${url.replace(/\/+$/, '')}/graphql`;
  let body: { data?: { modelVersion?: CoordinatorModelInfo }; errors?: Array<{ message: string }> };
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY, variables: { id: versionId } }),
    });
    body = (await response.json()) as typeof body;
  } catch (error) {
    throw new SegmentationModelError(
      `model version ${versionId}: cannot ask ${endpoint} (${(error as Error).message})`,
    );
  }
  const info = body.data?.modelVersion;
  if (!info) {
    throw new SegmentationModelError(
      `model version ${versionId}: ${endpoint} answered ${body.errors?.map((e) => e.message).join('; ') ?? 'no data'}`,
    );
  }
  return info;
}
