/**
 * The query cost estimate on the committed schema: what each rule counts, that the red-team query (800 aliases of a
 * nested query over 50 federations) is far over the limit, and that every operation the project's own clients send
 * stays under it, with room.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  buildSchema,
  type GraphQLError,
  type GraphQLInputType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  type OperationDefinitionNode,
  parse,
  typeFromAST,
} from 'graphql';
import { aliasFlood } from '@fedstroke/test-support';
import { DEFAULT_MAX_QUERY_COST } from '../config/coordinator-config';
import { checkQueryCost, INTROSPECTION_COST, LIST_SIZE_GUESS, MAX_QUERY_NODES, queryCost } from './query-cost';

const ROOT = join(__dirname, '../../../..');
const schema = buildSchema(readFileSync(join(ROOT, 'apps/coordinator/schema.graphql'), 'utf8'));
const cost = (query: string, variables?: Record<string, unknown>) =>
  queryCost(schema, parse(query), variables, undefined);

/** Every .graphql document under apps/ except the schema: the operations the dashboard, sites and CLI send. */
function clientDocuments(dir = join(ROOT, 'apps')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : clientDocuments(path);
    return name.endsWith('.graphql') && name !== 'schema.graphql' ? [path] : [];
  });
}

/** A value of each variable's type (input objects with their required fields), as a client would send it. */
function sampleVariables(operation: OperationDefinitionNode): Record<string, unknown> {
  const sample = (type: GraphQLInputType): unknown => {
    if (isNonNullType(type)) return sample(type.ofType);
    if (isListType(type)) return [sample(type.ofType)];
    if (isEnumType(type)) return type.getValues()[0].value;
    if (isInputObjectType(type)) {
      const required = Object.values(type.getFields()).filter((field) => isNonNullType(field.type));
      return Object.fromEntries(required.map((field) => [field.name, sample(field.type)]));
    }
    return { Int: 0, Float: 0, Boolean: false, ID: '00000000-0000-4000-8000-000000000000' }[type.name] ?? 'x';
  };
  return Object.fromEntries(
    (operation.variableDefinitions ?? []).map((v) => [
      v.variable.name.value,
      sample(typeFromAST(schema, v.type) as GraphQLInputType),
    ]),
  );
}

describe('query cost', () => {
  it('counts 1 per field, multiplies by limit and by a guess for other lists of objects', () => {
    expect(cost('{ viewer { role } }')).toBe(2);
    // federations(limit: 3): 1 + 3 × (items 1 + 1 × (id 1)) + totalCount... each counted inside the limit.
    expect(cost('{ federations(limit: 3) { items { id } } }')).toBe(1 + 3 * (1 + 1));
    expect(cost('{ federations(limit: 3) { totalCount items { id name } } }')).toBe(1 + 3 * (1 + 1 + 2));
    // The default limit (50) counts when none is given; a variable is read.
    expect(cost('{ federations { items { id } } }')).toBe(1 + 50 * 2);
    expect(cost('query ($n: Int!) { federations(limit: $n) { items { id } } }', { n: 7 })).toBe(1 + 7 * 2);
    // A list of objects without a limit (participants) multiplies by the guess; a list of scalars does not.
    const id = '"00000000-0000-4000-8000-000000000000"';
    expect(cost(`{ round(id: ${id}) { participants { siteId } } }`)).toBe(1 + 1 + LIST_SIZE_GUESS * 1);
    expect(cost(`{ inferenceJob(id: ${id}) { result { grid { shape } } } }`)).toBe(1 + 1 + 1 + 1);
    // Introspection costs a fixed amount, whatever it selects.
    expect(cost('{ __schema { types { name fields { name args { name } } } } }')).toBe(INTROSPECTION_COST);
  });

  it('refuses the 800-alias query by a wide margin, naming the cost and the limit', () => {
    const error = checkQueryCost(schema, parse(aliasFlood(800)), undefined, undefined, DEFAULT_MAX_QUERY_COST);
    expect(error?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', limit: DEFAULT_MAX_QUERY_COST });
    expect(error?.extensions.cost as number).toBeGreaterThan(10 * DEFAULT_MAX_QUERY_COST);
    expect(error?.message).toMatch(/^the query's estimated cost \d+ exceeds the limit of 250000: ask for fewer items/);
    expect(checkQueryCost(schema, parse(aliasFlood(1)), undefined, undefined, DEFAULT_MAX_QUERY_COST)).toBeNull();
  });

  it('refuses a document that expands past the node limit without walking it all', () => {
    // 30 fragments, each spreading the previous one twice: 2^30 fields once expanded.
    const fragments = Array.from({ length: 30 }, (_, i) =>
      i === 0 ? 'fragment f0 on Viewer { role }' : `fragment f${i} on Viewer { ...f${i - 1} ...f${i - 1} }`,
    );
    const document = parse(`{ viewer { ...f29 } } ${fragments.join(' ')}`);
    const started = Date.now();
    const error = checkQueryCost(schema, document, undefined, undefined, DEFAULT_MAX_QUERY_COST) as GraphQLError;
    expect(error.extensions.code).toBe('QUERY_TOO_COSTLY');
    expect(error.message).toContain(`more than ${MAX_QUERY_NODES} fields`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("keeps every operation of the project's own clients well under the default limit", () => {
    const documents = clientDocuments();
    expect(documents.map((file) => relative(ROOT, file))).toContain('apps/dashboard/src/graphql/operations.graphql');
    for (const file of documents) {
      const document = parse(readFileSync(file, 'utf8'));
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const name = definition.name?.value;
        const estimate = queryCost(schema, document, sampleVariables(definition), name);
        expect({
          operation: `${relative(ROOT, file)} ${name}`,
          fits: estimate <= 0.8 * DEFAULT_MAX_QUERY_COST,
        }).toEqual({ operation: `${relative(ROOT, file)} ${name}`, fits: true });
      }
    }
  });
});
