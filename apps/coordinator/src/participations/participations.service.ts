import { Injectable, NotFoundException } from '@nestjs/common';
import { MAX_PAGE_SIZE } from '../common/pagination.args';
import type { Page, PageRequest, ParticipationRecord } from '../persistence/records';
import { ParticipationRepository, RoundRepository } from '../persistence/repositories';

@Injectable()
export class ParticipationsService {
  constructor(
    private readonly participations: ParticipationRepository,
    private readonly rounds: RoundRepository,
  ) {}

  async get(id: string): Promise<ParticipationRecord> {
    const participation = await this.participations.get(id);
    if (!participation) throw new NotFoundException(`participation ${id} does not exist`);
    return participation;
  }

  async list(roundId: string, page: PageRequest): Promise<Page<ParticipationRecord>> {
    if (!(await this.rounds.get(roundId))) throw new NotFoundException(`round ${roundId} does not exist`);
    return this.participations.list(roundId, page);
  }

  async allOfRound(roundId: string): Promise<ParticipationRecord[]> {
    return (await this.participations.list(roundId, { offset: 0, limit: MAX_PAGE_SIZE })).items;
  }
}
