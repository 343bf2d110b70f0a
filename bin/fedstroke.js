#!/usr/bin/env node
'use strict';
// Entry point of the `fedstroke` command. The TypeScript sources are compiled to dist/ by `npm ci` (the `prepare`
// script); if a source was edited since, the changed files are recompiled first so the command never runs stale code.
const path = require('node:path');
process.setSourceMapsEnabled(true);
process.env.FEDSTROKE_BUILD_QUIET = '1';
require(path.join(__dirname, '..', 'scripts', 'build.js'));
require(path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js'));
