/**
 * What a site sends back after local training, as in Flower's `FitRes`: the full local model (not a delta), the
 * number of training samples it saw, and its own scalar metrics (loss, local validation Dice, ...).
 * The weights are the contiguous parameter buffer of the training session, in manifest order.
 */
export interface ClientUpdate {
  readonly siteId: string;
  readonly weights: Float32Array;
  readonly numSamples: number;
  readonly metrics: Readonly<Record<string, number>>;
  /** SCAFFOLD: the site's control-variate delta Δc_i = c_i⁺ − c_i (one value per parameter); absent otherwise. */
  readonly controlDelta?: Float32Array;
}

/** A client update together with the identifiers it claims to answer; what `validateUpdate` checks. */
export interface UpdateEnvelope extends ClientUpdate {
  readonly roundId: string;
  readonly baseModelId: string;
  /** sha256 (hex) of the manifest's parameter layout (names, shapes, offsets) the site trained with. */
  readonly layoutSha256: string;
}

/** What one aggregation reports next to the new weights; plain data, ready to store on the round. */
export interface AggregateMetrics {
  numResults: number;
  numSamples: number;
  /** Updates whose delta was scaled down to the clipping bound (0 when clipping is off). */
  clippedUpdates: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (0 when noise is off). */
  noiseStd: number;
  /** Each client metric averaged over the sites that reported it, weighted by their sample counts. */
  client: Record<string, number>;
}

export interface AggregateResult {
  weights: Float32Array;
  metrics: AggregateMetrics;
}
