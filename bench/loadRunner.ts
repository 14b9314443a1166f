import { setTimeout as sleep } from 'node:timers/promises';

/** What one measured run produced. */
export interface RunResult {
  /** Operations completed successfully in the measured window. */
  ok: number;
  errors: number;
  /** Measured window, seconds. */
  seconds: number;
  /** Successful operations per second. */
  throughput: number;
  /** Latencies of successful operations, milliseconds, sorted ascending. */
  latencies: Float64Array;
  /** Per-step latency samples (milliseconds), for the breakdown of multi-request operations. */
  steps: Map<string, number[]>;
  /** A few error messages, for the report. */
  errorSamples: string[];
  /** CPU time the generator process used in the window, as a share of one core. */
  generatorCpu: number;
}

/** Times the named steps of one operation. */
export type StepTimer = <T>(name: string, work: () => Promise<T>) => Promise<T>;

/** One operation run by a virtual user `vu` (an index into the caller's users). */
export type Operation = (vu: number, step: StepTimer) => Promise<void>;

class Recorder {
  latencies: number[] = [];
  steps = new Map<string, number[]>();
  errors = 0;
  errorSamples: string[] = [];
  recording = false;

  step: StepTimer = async (name, work) => {
    const started = performance.now();
    const result = await work();
    if (this.recording) {
      let list = this.steps.get(name);
      if (!list) this.steps.set(name, (list = []));
      list.push(performance.now() - started);
    }
    return result;
  };

  fail(err: unknown): void {
    if (!this.recording) return;
    this.errors++;
    if (this.errorSamples.length < 5)
      this.errorSamples.push(String((err as Error)?.message ?? err));
  }
}

function finish(rec: Recorder, seconds: number, cpuMicros: number): RunResult {
  const latencies = Float64Array.from(rec.latencies).sort();
  return {
    ok: latencies.length,
    errors: rec.errors,
    seconds,
    throughput: latencies.length / seconds,
    latencies,
    steps: rec.steps,
    errorSamples: rec.errorSamples,
    generatorCpu: cpuMicros / 1e6 / seconds,
  };
}

/**
 * Closed loop: `vus` virtual users each run `op` back to back for `warmupMs` (not recorded)
 * then `durationMs` (recorded), stopping early after `maxOps` recorded operations.
 */
export async function runClosed(options: {
  vus: number;
  warmupMs: number;
  durationMs: number;
  maxOps: number;
  op: Operation;
  /** Called when the measured window starts. */
  onMeasureStart?: () => void;
}): Promise<RunResult> {
  const rec = new Recorder();
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const deadline = measureFrom + options.durationMs;
  let measuredOps = 0;
  let cpuAtStart = process.cpuUsage();
  let measureStartedAt = measureFrom;
  const flip = setTimeout(() => {
    rec.recording = true;
    cpuAtStart = process.cpuUsage();
    measureStartedAt = performance.now();
    options.onMeasureStart?.();
  }, options.warmupMs);
  const user = async (vu: number) => {
    while (performance.now() < deadline && measuredOps < options.maxOps) {
      const started = performance.now();
      const recorded = rec.recording;
      try {
        await options.op(vu, rec.step);
        if (recorded && rec.recording) {
          rec.latencies.push(performance.now() - started);
          measuredOps++;
        }
      } catch (err) {
        if (recorded) rec.fail(err);
        // A failing server must not turn the loop into a busy spin.
        await sleep(5);
      }
    }
  };
  await Promise.all(Array.from({ length: options.vus }, (_, vu) => user(vu)));
  clearTimeout(flip);
  rec.recording = false;
  const end = performance.now();
  const cpu = process.cpuUsage(cpuAtStart);
  return finish(rec, Math.max(0.001, (end - measureStartedAt) / 1000), cpu.user + cpu.system);
}

/**
 * Open loop: starts `op` at a constant `rate` per second for `durationMs` (after a `warmupMs`
 * at the same rate that is not recorded), whatever the earlier ones are doing, on a free
 * virtual user out of `vus`. Latency counts from the scheduled start, so queueing (for a user
 * or for the server) is included rather than hidden (no coordinated omission).
 */
export async function runOpen(options: {
  rate: number;
  vus: number;
  warmupMs: number;
  durationMs: number;
  op: Operation;
  /** Called when the measured window starts. */
  onMeasureStart?: () => void;
}): Promise<RunResult> {
  const rec = new Recorder();
  const free = Array.from({ length: options.vus }, (_, i) => i);
  const waiting: ((vu: number) => void)[] = [];
  const acquire = () =>
    new Promise<number>((resolve) => {
      const vu = free.pop();
      if (vu !== undefined) resolve(vu);
      else waiting.push(resolve);
    });
  const release = (vu: number) => {
    const next = waiting.shift();
    if (next) next(vu);
    else free.push(vu);
  };
  const total = options.warmupMs + options.durationMs;
  const interval = 1000 / options.rate;
  const start = performance.now();
  const inflight = new Set<Promise<void>>();
  let cpuAtStart = process.cpuUsage();
  let measureStartedAt = start + options.warmupMs;
  let scheduled = 0;
  // Bounded by time (and so by count: rate × duration).
  while (performance.now() - start < total) {
    const now = performance.now();
    if (!rec.recording && now - start >= options.warmupMs) {
      rec.recording = true;
      cpuAtStart = process.cpuUsage();
      measureStartedAt = now;
      options.onMeasureStart?.();
    }
    while (start + scheduled * interval <= now && scheduled * interval < total) {
      const due = start + scheduled * interval;
      scheduled++;
      const recorded = rec.recording;
      const run = (async () => {
        const vu = await acquire();
        try {
          await options.op(vu, rec.step);
          if (recorded) rec.latencies.push(performance.now() - due);
        } catch (err) {
          if (recorded) rec.fail(err);
        } finally {
          release(vu);
        }
      })();
      inflight.add(run);
      void run.finally(() => inflight.delete(run));
    }
    await sleep(1);
  }
  const end = performance.now();
  const cpu = process.cpuUsage(cpuAtStart);
  await Promise.all(inflight);
  rec.recording = false;
  return finish(rec, Math.max(0.001, (end - measureStartedAt) / 1000), cpu.user + cpu.system);
}

/** The `p`-th percentile (0–100) of sorted values (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}
