/**
 * What protects a federation's updates and what guarantee its model carries: secure aggregation (the coordinator saw
 * only sums), differential privacy as configured, and the budget spent — ε at δ from the coordinator's Rényi-DP
 * accountant after the last completed round (live, from the round events), against the target if one is set.
 */
import { formatNumber } from '../format';
import type { FederationDetailQuery, RoundFieldsFragment } from '../graphql/generated';

type Params = FederationDetailQuery['federation']['config']['strategyParams'];
type Privacy = FederationDetailQuery['federation']['privacy'];

function off(value: number | null | undefined, unit = ''): string {
  return value === null || value === undefined ? 'off' : `${formatNumber(value, 4)}${unit}`;
}

/** ε after the last completed round the page has seen, else the federation's figure as loaded. */
function spent(privacy: Privacy, lastCompleted: RoundFieldsFragment | null) {
  const round = lastCompleted?.privacy;
  return {
    epsilon: round?.epsilon ?? privacy.epsilon ?? null,
    sampleEpsilon: round?.sampleEpsilon ?? privacy.sampleEpsilon ?? null,
  };
}

export function PrivacyPanel({
  params,
  privacy,
  lastCompleted,
}: {
  params: Params;
  privacy: Privacy;
  lastCompleted: RoundFieldsFragment | null;
}) {
  const dp = privacy.differentialPrivacy;
  const secure = privacy.secureAggregation;
  const { epsilon, sampleEpsilon } = spent(privacy, lastCompleted);
  const accounted = epsilon !== null || sampleEpsilon !== null;
  const applied = new Map((lastCompleted?.aggregation ?? []).map((a) => [a.name, a.value]));
  return (
    <section class="panel" aria-labelledby="privacy-title" id="privacy">
      <h3 id="privacy-title">Privacy</h3>
      <dl class="facts">
        <dt>Update clipping (L2 bound on each site's change)</dt>
        <dd>{off(params.clipNorm)}</dd>
        <dt>Gaussian noise (σ in units of the clipping bound)</dt>
        <dd>{off(params.noiseMultiplier)}</dd>
        {params.noiseSeed !== null && params.noiseSeed !== undefined && (
          <>
            <dt>Noise seed</dt>
            <dd>{params.noiseSeed}</dd>
          </>
        )}
        <dt>Updates rejected above this change norm</dt>
        <dd>{off(params.maxUpdateNorm)}</dd>
        {lastCompleted && params.clipNorm != null && (
          <>
            <dt>Clipped in round {lastCompleted.index}</dt>
            <dd>{applied.get('clippedUpdates') ?? '—'} update(s)</dd>
          </>
        )}
        {lastCompleted && params.noiseMultiplier != null && (
          <>
            <dt>Noise standard deviation applied in round {lastCompleted.index}</dt>
            <dd>{applied.get('noiseStd') ?? '—'}</dd>
          </>
        )}
        <dt>Secure aggregation</dt>
        <dd id="privacy-secure">
          {secure
            ? `on: the coordinator sees only sums of at least ${secure.threshold} sites, each clipped to ${formatNumber(secure.clipNorm, 4)}`
            : 'off: the coordinator sees each site’s update'}
        </dd>
        <dt>Differential privacy</dt>
        <dd>
          {dp?.clientLevel
            ? `client level: clip ${formatNumber(dp.clientLevel.clipNorm, 4)}, noise z = ${formatNumber(dp.clientLevel.noiseMultiplier, 3)}`
            : 'client level off'}
          {'; '}
          {dp?.sampleLevel
            ? `sample level (DP-SGD): clip ${formatNumber(dp.sampleLevel.clipNorm, 4)}, σ = ${formatNumber(dp.sampleLevel.noiseMultiplier, 3)}, expected batch ${dp.sampleLevel.expectedBatchSize}`
            : 'sample level off'}
        </dd>
        <dt>Privacy budget spent (ε at δ{privacy.delta != null ? ` = ${privacy.delta}` : ''})</dt>
        <dd
          id="privacy-budget"
          data-accounted={String(accounted)}
          data-epsilon={epsilon ?? undefined}
          data-sample-epsilon={sampleEpsilon ?? undefined}
        >
          {accounted ? (
            <>
              {epsilon !== null && <>client level ε = {formatNumber(epsilon, 3)}</>}
              {epsilon !== null && sampleEpsilon !== null && '; '}
              {sampleEpsilon !== null && <>sample level ε = {formatNumber(sampleEpsilon, 3)}</>}
              {dp?.targetEpsilon != null && <> of a budget of {formatNumber(dp.targetEpsilon, 3)}</>}
              {lastCompleted && <> after round {lastCompleted.index}</>}
            </>
          ) : dp ? (
            'no round released a model yet'
          ) : (
            'no guarantee: this federation is not differentially private, so it states no ε (clipping and noise alone are not a privacy guarantee)'
          )}
        </dd>
      </dl>
    </section>
  );
}
