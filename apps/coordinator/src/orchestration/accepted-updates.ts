/**
 * The accepted updates of a round as aggregation reads them: each file re-hashed against the sha256 recorded when it
 * was accepted. A file that changed or vanished on disk since then is left out with its reason (the round goes on
 * with the others, or fails if too few remain), so the model never averages bytes nobody accepted.
 */
import type { ClientUpdate } from '@fedstroke/federation';
import { splitUpdateBody, type UpdatePart, WireFormatError } from '@fedstroke/protocol';
import type { ParticipationRecord } from '../persistence/records';
import { StoredFileCorruptError, type WeightsStore } from '../storage/weights-store';

export interface ExcludedUpdate {
  participationId: string;
  siteId: string;
  reason: string;
}

/** `parts`: what each body holds (the federation's update parts); SCAFFOLD's Δc_i comes after the weights. */
export async function readAcceptedUpdates(
  store: WeightsStore,
  accepted: readonly ParticipationRecord[],
  layout: { parameterCount: number; parts: readonly UpdatePart[] },
): Promise<{ updates: ClientUpdate[]; excluded: ExcludedUpdate[] }> {
  const updates: ClientUpdate[] = [];
  const excluded: ExcludedUpdate[] = [];
  for (const participation of accepted) {
    try {
      const values = await store.readVerified(participation.updateFile as string, participation.updateSha256 as string);
      const body = splitUpdateBody(values, layout.parameterCount, layout.parts, `update ${participation.updateFile}`);
      updates.push({
        siteId: participation.siteId,
        weights: body.weights,
        numSamples: participation.numSamples as number,
        metrics: participation.metrics,
        ...(body['control-delta'] && { controlDelta: body['control-delta'] }),
      });
    } catch (error) {
      // Other errors (EIO, EMFILE) say nothing about the update: the step fails and is retried.
      if (!(error instanceof StoredFileCorruptError || error instanceof WireFormatError)) throw error;
      excluded.push({
        participationId: participation.id,
        siteId: participation.siteId,
        reason: `STORED_FILE_CORRUPT: ${error.message}`,
      });
    }
  }
  return { updates, excluded };
}
