/**
 * `npm run bench`: complete passkey sign-ins per second (and discovery/JWKS, refresh-token
 * rotation, introspection) against the real built server in production mode, beside bare
 * oidc-provider with the same configuration, measured in the same run. This process seeds the
 * stores and is the load generator; each server runs in its own child process. Bounded in time
 * (warm-up + a fixed window per scenario) and count. See docs/BENCHMARKS.md.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isInMemory, ROOT, settings } from './benchSettings.js';
import { startTarget, stopTarget, type Running } from './benchTarget.js';
import { formatReport } from './formatReport.js';
import { measureMemory } from './measureMemory.js';
import { runScenario } from './runScenario.js';

async function main(): Promise<void> {
  if (!existsSync(settings.sesameScript)) {
    throw new Error(
      `${settings.sesameScript} is missing: run \`npm run build\` first (npm run bench does)`,
    );
  }
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'sesame-bench-'));
  const running: Running[] = [];
  try {
    // The servers run side by side and take turns, round by round, so a busy moment on the
    // machine hurts both rather than one.
    for (const name of settings.targets) running.push(await startTarget(name, workDir));
    for (const scenario of settings.scenarios) await runScenario(running, scenario);
    if (settings.sessions > 0) {
      // Memory is not a timing: the servers may fill up with sessions at once. Not for the
      // cluster (its probe would answer for the primary alone) nor for the in-memory baseline
      // (its sessions are not in the store the top-up counts); see formatReport.
      await Promise.all(
        running
          .filter((r) => !r.server.cluster && !isInMemory(r.name))
          .map(async (r) => {
            r.result.memory = await measureMemory(r);
          }),
      );
    }
  } finally {
    for (const r of running) await stopTarget(r).catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
  const results = running.map((r) => r.result);
  const text = formatReport(results);
  console.log(`\n${text}\n`);
  const out = path.join(ROOT, 'dist/bench/results.json');
  await writeFile(out, JSON.stringify({ settings, results, text }, null, 2));
  console.log(`results written to ${path.relative(process.cwd(), out)}`);
  const failed = results.some((r) => r.scenarios.some((s) => s.ok === 0));
  if (failed) process.exitCode = 1;
}

await main();
