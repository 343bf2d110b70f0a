import { FedstrokeError } from '@fedstroke/common';

/** A graph that cannot be built or differentiated: wrong arity, shapes that do not fit, an op without a rule. */
export class GraphBuildError extends FedstrokeError {
  constructor(message: string) {
    super('GRAPH_BUILD', message);
  }
}
