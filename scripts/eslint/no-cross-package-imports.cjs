// ESLint rule: a relative import stays inside its own package (apps/<name>, libs/<name>, test, scripts). Reaching into
// another package goes through its alias in tsconfig.json paths (`@fedstroke/<lib>`, `@fedstroke/<lib>/testing`,
// `@fedstroke/coordinator`, `@fedstroke/site/testing`, `@fedstroke/test-support`, …), so that each package's public
// surface is its index.ts (or its testing entry) and a file can move inside a package without breaking its neighbours.
'use strict';
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** `apps/<name>` or `libs/<name>` for a file below them, else the top folder (`test`, `scripts`, …). */
function packageOf(file) {
  const parts = path.relative(ROOT, file).split(path.sep);
  return parts[0] === 'apps' || parts[0] === 'libs' ? parts.slice(0, 2).join('/') : parts[0];
}

/** The alias that replaces a relative path to `target` (relative to the root), as tsconfig.json names it. */
function aliasFor(target) {
  const [top, name, src, folder] = target.split('/');
  if (top === 'test' && name === 'support') return '@fedstroke/test-support';
  if ((top === 'libs' || top === 'apps') && name && src === 'src') {
    return folder === 'testing' || (top === 'apps' && folder) ? `@fedstroke/${name}/testing` : `@fedstroke/${name}`;
  }
  return 'an alias in tsconfig.json paths';
}

/** @type {import('eslint').Rule.RuleModule} */
module.exports = {
  meta: {
    type: 'problem',
    docs: { description: 'forbid relative imports that leave their own app, lib or test folder' },
    schema: [],
    messages: {
      crossing: "'{{specifier}}' reaches from {{from}} into {{into}} by a relative path; import it from '{{alias}}'",
    },
  },
  create(context) {
    const file = context.filename;
    const from = packageOf(file);
    const check = (node) => {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string' || !node.value.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), node.value);
      const into = packageOf(target);
      if (into === from) return;
      const alias = aliasFor(path.relative(ROOT, target).split(path.sep).join('/'));
      context.report({ node, messageId: 'crossing', data: { specifier: node.value, from, into, alias } });
    };
    const isCall = (callee, name) =>
      (callee.type === 'Identifier' && callee.name === name) ||
      (callee.type === 'MemberExpression' && callee.object.name === 'jest' && callee.property.name === name);
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      CallExpression: (node) => {
        if (isCall(node.callee, 'require') || isCall(node.callee, 'mock')) check(node.arguments[0]);
      },
    };
  },
};
