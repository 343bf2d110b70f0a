/**
 * A coordinator's model version over its API, for a workstation: which config it belongs to and how it was trained
 * (GraphQL `modelVersion { config training }`, the ModelVersionInfo operation of admin.graphql); its weights come from
 * GET /models/:id (libs/inference's fetchModelVersion, checked against the sha256 and layout headers). The token is an
 * inference or admin token.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import type { ModelProvenance } from '@fedstroke/runtime';
import type { Dispatcher } from 'undici';
import { AdminClient } from '../simulate/admin-client';
import { ModelVersionInfoDocument } from '../simulate/admin-operations.generated';

export interface CoordinatorModelInfo {
  config: string;
  sha256: string;
  training: ModelProvenance;
}

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
  /** The connection pool that trusts the coordinator's CA (simulate's throwaway one); default: the system's. */
  dispatcher?: Dispatcher,
): Promise<CoordinatorModelInfo> {
  const { modelVersion } = await new AdminClient(url, token, dispatcher).request(
    `modelVersion ${versionId}`,
    ModelVersionInfoDocument,
    {
      id: versionId,
    },
  );
  // The schema types kind and trainingData as strings; the coordinator writes them from ModelProvenance.
  return { ...modelVersion, training: modelVersion.training as ModelProvenance };
}
