/**
 * The coordinator's last step: the survivors' stored masked inputs summed, and their masks removed with the
 * survivors' answers (self-mask shares of inputs that arrived, mask-key shares of sites that did not). A corrupt
 * stored input or answers that do not unmask fail the round with the reason; nothing partial is returned.
 */
import { Injectable } from '@nestjs/common';
import { FedstrokeError } from '@fedstroke/common';
import { type RoundTranscript, sumMaskedInputs, unmaskSum, type UnmaskResponse } from '@fedstroke/federation';
import { ParticipationRepository } from '../../persistence/repositories';
import { StoredFileCorruptError, WeightsStore } from '../../storage/weights-store';
import type { SecAggRoundRecord } from './secagg-records';

export type Recovered = { kind: 'ok'; sum: Uint32Array } | { kind: 'failed'; reason: string };

@Injectable()
export class SecAggUnmasking {
  constructor(
    private readonly participations: ParticipationRepository,
    private readonly store: WeightsStore,
  ) {}

  /** The unmasked sum of the survivors' inputs, from the stored masked inputs and answers. */
  async recover(record: SecAggRoundRecord, answers: UnmaskResponse[]): Promise<Recovered> {
    const survivors = record.survivors ?? [];
    const transcript: RoundTranscript = {
      params: record.params.protocol,
      roster: record.roster ?? [],
      sharedKeys: record.sharedKeys ?? [],
      survivors,
    };
    const inputs: Uint32Array[] = [];
    for (const participation of await this.participations.listByStatus(record.roundId, 'ACCEPTED')) {
      if (!survivors.includes(participation.siteId)) continue;
      try {
        const words = await this.store.readVerified(
          participation.updateFile as string,
          participation.updateSha256 as string,
        );
        inputs.push(new Uint32Array(words.buffer, words.byteOffset, words.length));
      } catch (error) {
        if (!(error instanceof StoredFileCorruptError)) throw error;
        return {
          kind: 'failed',
          reason: `the masked input of survivor ${participation.siteId} is unusable (${error.message}); nothing is unmasked`,
        };
      }
    }
    try {
      return {
        kind: 'ok',
        sum: unmaskSum(transcript, sumMaskedInputs(inputs, record.params.protocol.length), answers),
      };
    } catch (error) {
      if (error instanceof FedstrokeError) return { kind: 'failed', reason: `unmasking failed: ${error.message}` };
      throw error;
    }
  }
}
