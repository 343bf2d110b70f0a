// Lets the coordinator e2e tests start apps/coordinator/src/main.ts as a real child process without a full build:
// `node -r test/coordinator-process-loader.js apps/coordinator/src/main.ts` compiles each required .ts file with
// SWC on the fly (same options as scripts/build.js) and resolves the @fedstroke/<lib> path aliases. Only the files
// the coordinator actually imports are compiled, so unrelated work in progress elsewhere cannot break the test.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const { paths } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')).compilerOptions;
const aliases = Object.fromEntries(Object.entries(paths).map(([name, [target]]) => [name, path.join(root, target)]));

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, aliases[request] ?? request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
