/**
 * What a GraphQL operation may cost before it runs, estimated from the document alone (graphql-query-complexity),
 * so a query that would fan out over every federation, round and participant is refused before a single resolver
 * runs, over HTTP and over graphql-ws alike.
 *
 * The rule, on the schema as it is: every field costs 1 plus what it selects; a field with a `limit` argument (every
 * paginated list) multiplies what it selects by that limit, and its page's `items` list counts once; any other list
 * of objects (a round's participants, metrics, members) multiplies by LIST_SIZE_GUESS; a list of scalars counts
 * once. Introspection (`__schema`, `__type`) is served from memory and costs a fixed INTROSPECTION_COST, whatever it
 * selects. The schema has no cycles, so a document's depth is bounded by the schema itself; aliases and fragments
 * are counted each time they are used, and a document that expands past MAX_QUERY_NODES fields is refused unread.
 */
import {
  type GraphQLSchema,
  type DocumentNode,
  GraphQLError,
  getNullableType,
  isListType,
  getNamedType,
  isLeafType,
} from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';

/** Lists without a limit argument are bounded by the data (sitesPerRound, metric names); this is the guess. */
export const LIST_SIZE_GUESS = 10;
export const INTROSPECTION_COST = 1000;
/** Fields of the expanded document (aliases and fragment uses counted each time) the estimate walks at most. */
export const MAX_QUERY_NODES = 20_000;

export const QUERY_TOO_COSTLY = 'QUERY_TOO_COSTLY';

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

const estimateField: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (INTROSPECTION_ROOTS.has(field.name)) return INTROSPECTION_COST;
  if (type.name.startsWith('__')) return 0;
  if (typeof args.limit === 'number') return 1 + Math.max(0, args.limit) * childComplexity;
  const list = isListType(getNullableType(field.type));
  const pageItems = field.name === 'items' && type.name.endsWith('Page');
  const multiplier = list && !pageItems && !isLeafType(getNamedType(field.type)) ? LIST_SIZE_GUESS : 1;
  return 1 + multiplier * childComplexity;
};

/** The estimated cost of one operation of the document; throws a GraphQLError it cannot be estimated. */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): number {
  try {
    return getComplexity({
      schema,
      query: document,
      variables,
      operationName,
      estimators: [estimateField],
      maxQueryNodes: MAX_QUERY_NODES,
    });
  } catch (error) {
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) {
      throw tooCostly(
        `the query expands to more than ${MAX_QUERY_NODES} fields (aliases and fragments counted each time)`,
      );
    }
    // The estimate coerces the variables first (a limit may come from one), so it is the first to see variables that
    // do not fit the schema: the caller's input, answered as Apollo answers it, not as a server error.
    if (error instanceof GraphQLError) {
      throw new GraphQLError(error.message, {
        nodes: error.nodes,
        extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
      });
    }
    throw error;
  }
}

/** Null when the operation may run, else the error that refuses it. */
export function checkQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  limit: number,
): GraphQLError | null {
  let cost: number;
  try {
    cost = queryCost(schema, document, variables, operationName);
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  if (cost <= limit) return null;
  return tooCostly(
    `the query's estimated cost ${cost} exceeds the limit of ${limit}: ask for fewer items (limit), aliases or ` +
      'nested lists (each field costs 1, a field with limit: N multiplies what it selects by N)',
    { cost, limit },
  );
}

function tooCostly(message: string, figures: Record<string, number> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: QUERY_TOO_COSTLY, http: { status: 400 }, ...figures } });
}
