import { settings } from './benchSettings.js';
import type { Running } from './benchTarget.js';
import { signIn } from './flows.js';
import { runClosed, type Operation } from './loadRunner.js';
import { mb, type TargetResult } from './scenarioResult.js';
import type { VirtualUser } from './seedStore.js';

/**
 * Signs in until the store holds `settings.sessions` live sessions, then asks for memory. The
 * top-up sign-ins stop at the callback (the session exists by then), which makes them quicker.
 */
export async function measureMemory(r: Running): Promise<NonNullable<TargetResult['memory']>> {
  const deadline = Date.now() + 180_000;
  const topUp: Operation = async (vu, step) => {
    await signIn(r.target, r.users[vu] as VirtualUser, step, {
      scope: 'openid email profile',
      stopAtCallback: true,
    });
  };
  let live = await r.sessions.count();
  while (live < settings.sessions && Date.now() < deadline) {
    console.log(`[${r.name}] ${live} live sessions; signing in more…`);
    await runClosed({
      vus: Math.max(settings.signInUsers, 16),
      warmupMs: 0,
      durationMs: 10_000,
      maxOps: settings.sessions - live,
      op: topUp,
    });
    live = await r.sessions.count();
  }
  const asIs = await r.server.probe(false);
  const afterGc = await r.server.probe(true);
  return {
    sessions: live,
    idleRssMb: mb(r.idle.memory.rss),
    rssMb: mb(asIs.memory.rss),
    heapUsedMb: mb(asIs.memory.heapUsed),
    heapTotalMb: mb(asIs.memory.heapTotal),
    rssAfterGcMb: mb(afterGc.memory.rss),
    heapUsedAfterGcMb: mb(afterGc.memory.heapUsed),
  };
}
