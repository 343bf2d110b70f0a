#!/usr/bin/env node
// Compiles apps/ and libs/ to dist/ with SWC (about a second for the whole tree; type checking is `npm run typecheck`).
// Path aliases (@fedstroke/<lib>) are rewritten to relative requires so the output runs with plain `node`.
// Only sources newer than their output are recompiled, so `npm test` pays almost nothing when nothing changed.
// The browser dashboard (apps/dashboard) is bundled by esbuild into dist/dashboard, which the coordinator serves;
// it is rebuilt only when one of its sources or package-lock.json (its dependencies) is newer than the bundle.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outRoot = path.join(root, 'dist');
const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
const aliases = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([name, [target]]) => [name, target.replace(/\.ts$/, '')]),
);

function* sources(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !/\.(spec|e2e-spec)\.ts$/.test(entry.name))
      yield full;
  }
}

function rewriteAliases(code, outFile) {
  return code.replace(/require\("(@fedstroke\/[a-z-]+(?:\/testing|\/tools)?)"\)/g, (match, name) => {
    const target = aliases[name];
    if (!target) throw new Error(`build: unknown path alias ${name} in ${outFile}; add it to tsconfig.json paths`);
    let rel = path.relative(path.dirname(outFile), path.join(outRoot, target));
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `require(${JSON.stringify(rel)})`;
  });
}

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
};

const DASHBOARD = path.join(root, 'apps', 'dashboard');

let compiled = 0;
for (const top of ['apps', 'libs']) {
  for (const file of sources(path.join(root, top))) {
    if (file.startsWith(DASHBOARD + path.sep)) continue;
    const rel = path.relative(root, file);
    const outFile = path.join(outRoot, rel.replace(/\.ts$/, '.js'));
    if (fs.existsSync(outFile) && fs.statSync(outFile).mtimeMs >= fs.statSync(file).mtimeMs) continue;
    const { code, map } = require('@swc/core').transformFileSync(file, {
      ...options,
      filename: file,
      sourceFileName: path.relative(path.dirname(outFile), file),
    });
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, `${rewriteAliases(code, outFile)}\n//# sourceMappingURL=${path.basename(outFile)}.map\n`);
    fs.writeFileSync(`${outFile}.map`, map);
    compiled++;
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Bundles the dashboard when a source or the lock file is newer than the bundle; returns whether it did. */
function bundleDashboard() {
  const outDir = path.join(outRoot, 'dashboard');
  const stamp = path.join(outDir, 'index.html');
  const inputs = Math.max(
    newestMtime(path.join(DASHBOARD, 'src')),
    ...['index.html', '../../package-lock.json'].map((file) => fs.statSync(path.join(DASHBOARD, file)).mtimeMs),
  );
  if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= inputs) return false;
  fs.rmSync(outDir, { recursive: true, force: true });
  require('esbuild').buildSync({
    entryPoints: { app: path.join(DASHBOARD, 'src', 'main.tsx') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    alias: { zarrita: path.join(DASHBOARD, 'src', 'vendor', 'zarrita-unsupported.ts') },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    logLevel: 'warning',
  });
  // index.html last: its mtime is the stamp that says the bundle is complete.
  fs.copyFileSync(path.join(DASHBOARD, 'index.html'), stamp);
  return true;
}

const bundled = bundleDashboard();
if (process.env.FEDSTROKE_BUILD_QUIET !== '1') {
  console.error(
    `build: compiled ${compiled} file(s) to dist/${bundled ? '; bundled the dashboard into dist/dashboard' : ''}`,
  );
}
