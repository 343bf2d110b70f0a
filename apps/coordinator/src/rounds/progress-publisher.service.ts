import { Injectable } from '@nestjs/common';
import { FederationRepository, ParticipationRepository, RoundRepository } from '../persistence/repositories';
import type { RoundEvent, RoundProgress } from './models/round-progress.model';
import { Round } from './models/round.model';
import { RoundEventsService } from './round-events.service';

/** Publishes a round event with the round and its counts as the database has them right after the change. */
@Injectable()
export class ProgressPublisher {
  constructor(
    private readonly events: RoundEventsService,
    private readonly federations: FederationRepository,
    private readonly rounds: RoundRepository,
    private readonly participations: ParticipationRepository,
  ) {}

  async publish(
    event: RoundEvent,
    federationId: string,
    roundId: string | null,
    extra: { siteId?: string; message?: string } = {},
  ): Promise<void> {
    const progress = await this.build(event, federationId, roundId, extra);
    if (progress) this.events.publish(progress);
  }

  async build(
    event: RoundEvent,
    federationId: string,
    roundId: string | null,
    extra: { siteId?: string; message?: string } = {},
  ): Promise<RoundProgress | null> {
    const federation = await this.federations.get(federationId);
    if (!federation) return null;
    const round = roundId ? await this.rounds.get(roundId) : await this.rounds.latest(federationId);
    return {
      event,
      federationId,
      federationStatus: federation.status,
      round: round ? Round.from(round) : null,
      counts: round ? await this.participations.counts(round.id) : null,
      quorum: federation.config.quorum,
      siteId: extra.siteId ?? null,
      message: extra.message ?? null,
      at: new Date(),
    };
  }
}
