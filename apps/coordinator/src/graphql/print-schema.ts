/** The SDL of the running app's code-first schema, as committed in apps/coordinator/schema.graphql. */
import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';

export const SCHEMA_HEADER =
  '# Generated from the code-first models of apps/coordinator; do not edit.\n' +
  '# Regenerate: FEDSTROKE_UPDATE_SCHEMA=1 npx jest test/coordinator-schema\n\n';

export function printCoordinatorSchema(app: INestApplication): string {
  return `${SCHEMA_HEADER}${printSchema(app.get(GraphQLSchemaHost).schema)}\n`;
}
