// Bundles the browser code (src/web) with @simplewebauthn/browser into public/build/sesame.js.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/web/sesame.ts'],
  outfile: 'public/build/sesame.js',
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
