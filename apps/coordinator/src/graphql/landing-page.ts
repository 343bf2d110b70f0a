/**
 * What a browser sees at GET /graphql: a plain page served by the coordinator itself that says how to call the API
 * and links the dashboard. It replaces Apollo's default landing pages, which load their code from a CDN and stay
 * blank on a hospital network. No script, no external resource (its own CSP forbids both).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { DASHBOARD_PATH } from '../dashboard/dashboard-path';

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fedstroke GraphQL API</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
  code, pre { font-family: ui-monospace, monospace; background: #f2f2f2; border-radius: 4px; }
  pre { padding: 0.75rem; overflow-x: auto; }
  a { color: #0050a0; }
</style>
</head>
<body>
<main>
<h1>fedstroke GraphQL API</h1>
<p>This is the coordinator's GraphQL endpoint. To look at federations, rounds, sites and inference jobs, open the
<a href="${DASHBOARD_PATH}">dashboard</a>.</p>
<h2>Calling the API</h2>
<p>Send <code>POST /graphql</code> with a JSON body <code>{"query": "…", "variables": {…}}</code> and the header
<code>Authorization: Bearer &lt;token&gt;</code> (admin, read-only or inference token). Subscriptions use the
graphql-ws protocol on the same path, with the token in <code>connectionParams.authorization</code>.</p>
<pre>curl -s http://HOST:PORT/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
  -d '{"query":"{ viewer { role } federations { items { id name status } } }"}'</pre>
<p>Introspection answers an admin, read-only or inference token, so a GraphQL client (GraphiQL, Insomnia, a
notebook) that sends the header loads the schema from this URL; without a token it is refused unless the
coordinator runs with <code>FEDSTROKE_GRAPHQL_ANONYMOUS_INTROSPECTION=true</code>. Operations over a cost limit
(<code>FEDSTROKE_GRAPHQL_MAX_COST</code>) are refused before they run.</p>
</main>
</body>
</html>
`;

export function landingPagePlugin(): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return { renderLandingPage: async () => ({ html: HTML }) };
    },
  };
}
