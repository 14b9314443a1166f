#!/usr/bin/env node
// The `sesame` administration command (`npx sesame …`); the code lives in src/cli.
import '../dist/src/cli/main.js';
