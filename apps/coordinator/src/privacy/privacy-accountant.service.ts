/**
 * The federation's Rényi-DP accountant (libs/federation's rdp.ts), run over what the database holds.
 *
 * Client level (DP-FedAvg): one sampled Gaussian per round that released a model (COMPLETED), with q = 1: every
 * round asks every site it can get, none is sampled at random, so there is no amplification by sampling. Sample
 * level (DP-SGD): per site, one sampled Gaussian per local step with that site's q = B/N (reported by the site with
 * its update), counting every update the coordinator accepted, also in rounds that failed afterwards, since the
 * coordinator saw it. The federation's sampleEpsilon is the largest over its sites (the weakest guarantee).
 */
import { Injectable } from '@nestjs/common';
import { DP_SGD_SAMPLING_RATE_METRIC, epsilonAfter, type GaussianAccount } from '@fedstroke/federation';
import type { FederationRecord, RoundRecord } from '../persistence/records';
import { ParticipationRepository, RoundRepository } from '../persistence/repositories';
import type { DifferentialPrivacyRecord } from './privacy-records';
import { privacyOf } from './round-privacy-plan';
import { roundsOf } from './round-history';

export interface PrivacyAccount {
  epsilon: number | null;
  sampleEpsilon: number | null;
  delta: number | null;
  roundsAccounted: number;
}

interface SiteSteps {
  steps: number;
  samplingRate: number;
}

@Injectable()
export class PrivacyAccountant {
  private readonly cache = new Map<string, number>();

  constructor(
    private readonly rounds: RoundRepository,
    private readonly participations: ParticipationRepository,
  ) {}

  /** ε so far; with `through` the account as it stood when that round ended. */
  async account(federation: FederationRecord, through?: RoundRecord): Promise<PrivacyAccount> {
    const dp = privacyOf(federation.config).differentialPrivacy;
    const history = (await roundsOf(this.rounds, federation.id)).filter((r) => !through || r.index <= through.index);
    const completed = history.filter((r) => r.status === 'COMPLETED' || r.id === through?.id).length;
    if (!dp) return { epsilon: null, sampleEpsilon: null, delta: null, roundsAccounted: completed };
    const sites = dp.sampleLevel ? await this.siteSteps(federation, history) : new Map<string, SiteSteps>();
    return {
      epsilon: this.clientEpsilon(dp, completed),
      sampleEpsilon: dp.sampleLevel ? this.worstSampleEpsilon(dp, sites, 0) : null,
      delta: dp.delta,
      roundsAccounted: completed,
    };
  }

  /**
   * Why the next round must not run under the budget, or null: its ε (client level after one more released round;
   * sample level after one more round's local steps at every site seen so far) would pass targetEpsilon.
   */
  async budgetStop(federation: FederationRecord, completing: RoundRecord | null = null): Promise<string | null> {
    const dp = privacyOf(federation.config).differentialPrivacy;
    if (!dp?.targetEpsilon) return null;
    const history = await roundsOf(this.rounds, federation.id);
    const completed = history.filter((r) => r.status === 'COMPLETED' || r.id === completing?.id).length;
    const target = dp.targetEpsilon;
    const client = this.clientEpsilon(dp, completed + 1);
    if (client !== null && client > target) {
      return `privacy budget: one more round would take client-level ε to ${client.toFixed(3)} > targetEpsilon ${target} (δ = ${dp.delta}); the federation ends after ${completed} rounds at ε = ${(this.clientEpsilon(dp, completed) ?? 0).toFixed(3)}`;
    }
    if (dp.sampleLevel) {
      const sample = this.worstSampleEpsilon(
        dp,
        await this.siteSteps(federation, history),
        federation.config.localSteps,
      );
      if (sample !== null && sample > target) {
        return `privacy budget: one more round would take sample-level ε to ${sample.toFixed(3)} > targetEpsilon ${target} (δ = ${dp.delta}) at the most exposed site`;
      }
    }
    return null;
  }

  private clientEpsilon(dp: DifferentialPrivacyRecord, rounds: number): number | null {
    if (!dp.clientLevel) return null;
    return this.epsilon(rounds, { noiseMultiplier: dp.clientLevel.noiseMultiplier, samplingRate: 1, delta: dp.delta });
  }

  private worstSampleEpsilon(
    dp: DifferentialPrivacyRecord,
    sites: Map<string, SiteSteps>,
    extraSteps: number,
  ): number | null {
    if (!dp.sampleLevel) return null;
    let worst = 0;
    for (const site of sites.values()) {
      const account = {
        noiseMultiplier: dp.sampleLevel.noiseMultiplier,
        samplingRate: site.samplingRate,
        delta: dp.delta,
      };
      worst = Math.max(worst, this.epsilon(site.steps + extraSteps, account));
    }
    return worst;
  }

  /** Local DP-SGD steps per site over every accepted update, at the largest q the site reported. */
  private async siteSteps(
    federation: FederationRecord,
    history: readonly RoundRecord[],
  ): Promise<Map<string, SiteSteps>> {
    const sites = new Map<string, SiteSteps>();
    for (const round of history) {
      for (const participation of await this.participations.listByStatus(round.id, 'ACCEPTED')) {
        const reported = participation.metrics[DP_SGD_SAMPLING_RATE_METRIC];
        const samplingRate = typeof reported === 'number' && reported > 0 && reported <= 1 ? reported : 1;
        const steps = participation.metrics.localSteps ?? federation.config.localSteps;
        const site = sites.get(participation.siteId) ?? { steps: 0, samplingRate: 0 };
        sites.set(participation.siteId, {
          steps: site.steps + steps,
          samplingRate: Math.max(site.samplingRate, samplingRate),
        });
      }
    }
    return sites;
  }

  private epsilon(applications: number, account: GaussianAccount): number {
    const key = `${applications}:${account.noiseMultiplier}:${account.samplingRate}:${account.delta}`;
    let value = this.cache.get(key);
    if (value === undefined) {
      value = epsilonAfter(applications, account);
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, value);
    }
    return value;
  }
}
