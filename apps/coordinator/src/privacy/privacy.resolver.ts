/** Federation.privacy and Round.privacy: how updates were protected, and ε at δ from the accountant. */
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Federation } from '../federations/models/federation.model';
import type { FederationRecord, RoundRecord } from '../persistence/records';
import { FederationRepository, RoundRepository } from '../persistence/repositories';
import { Round } from '../rounds/models/round.model';
import { FederationPrivacy, RoundPrivacy } from './models/privacy.model';
import { PrivacyAccountant } from './privacy-accountant.service';
import { ROUND_PRIVACY_KEYS } from './privacy-records';
import { privacyOf } from './round-privacy-plan';

@Resolver(() => Federation)
export class FederationPrivacyResolver {
  constructor(
    private readonly federations: FederationRepository,
    private readonly accountant: PrivacyAccountant,
  ) {}

  @ResolveField(() => FederationPrivacy, { description: 'Secure aggregation, differential privacy and ε so far.' })
  async privacy(@Parent() parent: Federation): Promise<FederationPrivacy> {
    const federation = (await this.federations.get(parent.id)) as FederationRecord;
    const privacy = privacyOf(federation.config);
    const account = await this.accountant.account(federation);
    return Object.assign(new FederationPrivacy(), {
      secureAggregation: privacy.secureAggregation,
      differentialPrivacy: privacy.differentialPrivacy,
      ...account,
    });
  }
}

@Resolver(() => Round)
export class RoundPrivacyResolver {
  constructor(
    private readonly rounds: RoundRepository,
    private readonly federations: FederationRepository,
  ) {}

  @ResolveField(() => RoundPrivacy, { description: 'How this round’s updates were protected and ε after it.' })
  async privacy(@Parent() parent: Round): Promise<RoundPrivacy> {
    const round = (await this.rounds.get(parent.id)) as RoundRecord;
    const federation = (await this.federations.get(round.federationId)) as FederationRecord;
    const privacy = privacyOf(federation.config);
    const value = (key: string): number | null => {
      const v = round.aggregation[key];
      return typeof v === 'number' ? v : null;
    };
    return Object.assign(new RoundPrivacy(), {
      secureAggregation: privacy.secureAggregation !== null,
      survivors: value(ROUND_PRIVACY_KEYS.survivors),
      clipNorm: value(ROUND_PRIVACY_KEYS.clipNorm),
      noiseMultiplier:
        value(ROUND_PRIVACY_KEYS.noiseMultiplier) ?? privacy.differentialPrivacy?.clientLevel?.noiseMultiplier ?? null,
      epsilon: value(ROUND_PRIVACY_KEYS.epsilon),
      sampleEpsilon: value(ROUND_PRIVACY_KEYS.sampleEpsilon),
      delta: privacy.differentialPrivacy?.delta ?? null,
    });
  }
}
