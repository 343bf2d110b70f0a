import { Injectable, NotFoundException } from '@nestjs/common';
import type { Page, PageRequest, RoundRecord } from '../persistence/records';
import {
  FederationRepository,
  type ParticipationCounts,
  ParticipationRepository,
  RoundRepository,
} from '../persistence/repositories';

@Injectable()
export class RoundsService {
  constructor(
    private readonly rounds: RoundRepository,
    private readonly federations: FederationRepository,
    private readonly participations: ParticipationRepository,
  ) {}

  async get(id: string): Promise<RoundRecord> {
    const round = await this.rounds.get(id);
    if (!round) throw new NotFoundException(`round ${id} does not exist`);
    return round;
  }

  latest(federationId: string): Promise<RoundRecord | null> {
    return this.rounds.latest(federationId);
  }

  async list(federationId: string, page: PageRequest): Promise<Page<RoundRecord>> {
    if (!(await this.federations.get(federationId)))
      throw new NotFoundException(`federation ${federationId} does not exist`);
    return this.rounds.list(federationId, page);
  }

  counts(roundId: string): Promise<ParticipationCounts> {
    return this.participations.counts(roundId);
  }

  async assertFederationExists(federationId: string): Promise<void> {
    if (!(await this.federations.get(federationId)))
      throw new NotFoundException(`federation ${federationId} does not exist`);
  }
}
