/**
 * Preloaded into the servers under test (`node --import …/serverProbe.js dist/src/main.js`):
 * answers the bench's IPC questions about the process — memory (after a full GC when the
 * process runs with `--expose-gc`), CPU time and event-loop delay (how long requests waited
 * behind synchronous work such as a store write or a checkpoint) — without touching the
 * request path.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

interface ProbeRequest {
  type: 'probe';
  id: number;
  gc?: boolean;
  /** Start a new event-loop delay window after answering. */
  reset?: boolean;
}

if (process.send) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  process.on('message', (message: ProbeRequest) => {
    if (message?.type !== 'probe') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (message.gc && gc) gc();
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    process.send?.({
      type: 'probe',
      id: message.id,
      memory: process.memoryUsage(),
      cpu: process.cpuUsage(),
      loopDelay: {
        p50: ms(delay.percentile(50)),
        p99: ms(delay.percentile(99)),
        max: ms(delay.max),
      },
    });
    if (message.reset) delay.reset();
  });
  // The channel must not keep a server alive once it has closed.
  process.channel?.unref();
}
