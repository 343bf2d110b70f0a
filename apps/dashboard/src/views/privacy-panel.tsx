/**
 * The privacy settings a federation has today (update clipping and Gaussian noise, as configured and as the last
 * round applied them) and the place for the budget spent. The coordinator has no privacy accountant yet: when it
 * reports ε at δ (the differential-privacy change), show it in the "budget" row instead of the notice.
 */
import { formatNumber } from '../format';
import type { FederationDetailQuery, RoundFieldsFragment } from '../graphql/generated';

type Params = FederationDetailQuery['federation']['config']['strategyParams'];

function off(value: number | null | undefined, unit = ''): string {
  return value === null || value === undefined ? 'off' : `${formatNumber(value, 4)}${unit}`;
}

export function PrivacyPanel({ params, lastCompleted }: { params: Params; lastCompleted: RoundFieldsFragment | null }) {
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
        <dt>Privacy budget spent (ε at δ)</dt>
        <dd id="privacy-budget" data-accounted="false">
          Not accounted: this coordinator has no privacy accountant yet, so it states no ε. Clipping and noise without
          an accountant are not a privacy guarantee.
        </dd>
      </dl>
    </section>
  );
}
