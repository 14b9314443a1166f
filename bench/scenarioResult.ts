import { readFileSync } from 'node:fs';
import { percentile, type RunResult } from './loadRunner.js';
import type { TargetName } from './benchSettings.js';
import type { ProbeReport, ServerProcess } from './serverProcess.js';

/** Summary of one scenario on one server. */
export interface ScenarioResult {
  scenario: string;
  unit: string;
  users: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  ok: number;
  errors: number;
  errorSamples: string[];
  /** Server CPU time as a share of one core over the window (%). */
  serverCpu: number;
  /** Server CPU milliseconds per operation: the cost, robust to a noisy machine. */
  serverCpuMsPerOp: number;
  generatorCpu: number;
  /** CPU used on the machine by processes other than the server and the generator (% of one core). */
  otherCpu?: number;
  /**
   * The server's event-loop delay over the window, ms: how long ready work waited. Absent for a
   * cluster (each worker has its own loop; the primary's says nothing about requests).
   */
  loopDelay?: { p50: number; p99: number; max: number };
  steps?: Record<string, number>;
  /** Throughput of every round (this summary is the median round). */
  rounds?: number[];
}

export interface TargetResult {
  target: TargetName;
  scenarios: ScenarioResult[];
  /** Open-loop runs at half of the peak throughput (latency at a sustainable load). */
  halfPeak: ScenarioResult[];
  memory?: {
    sessions: number;
    idleRssMb: number;
    rssMb: number;
    heapUsedMb: number;
    heapTotalMb: number;
    rssAfterGcMb: number;
    heapUsedAfterGcMb: number;
  };
  log: string[];
  /** For a cluster target: how many processes (primary + workers) it ran. */
  processes?: number;
}

export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The numbers of one measured run, as the report shows them. */
export function summarize(
  scenario: string,
  unit: string,
  users: number,
  measured: Measured,
): ScenarioResult {
  const { run, serverCpu, machineCpu, loopDelay } = measured;
  const steps: Record<string, number> = {};
  for (const [name, samples] of run.steps) {
    steps[name] = round(percentile(Float64Array.from(samples).sort(), 50), 2);
  }
  return {
    scenario,
    unit,
    users,
    throughput: round(run.throughput),
    p50: round(percentile(run.latencies, 50), 2),
    p95: round(percentile(run.latencies, 95), 2),
    p99: round(percentile(run.latencies, 99), 2),
    ok: run.ok,
    errors: run.errors,
    errorSamples: run.errorSamples,
    serverCpu: round(serverCpu * 100, 0),
    serverCpuMsPerOp: round((serverCpu * run.seconds * 1000) / Math.max(1, run.ok), 2),
    generatorCpu: round(run.generatorCpu * 100, 0),
    ...(loopDelay ? { loopDelay } : {}),
    ...(machineCpu === undefined
      ? {}
      : { otherCpu: round(Math.max(0, machineCpu - serverCpu - run.generatorCpu) * 100, 0) }),
    ...(run.steps.size ? { steps } : {}),
  };
}

/** A run with the CPU used over its measured window (shares of one core). */
export interface Measured {
  run: RunResult;
  serverCpu: number;
  /** Busy CPU of the whole machine (Linux only). */
  machineCpu?: number;
  loopDelay?: ProbeReport['loopDelay'];
}

/** Busy and total CPU time of the machine in seconds, from /proc/stat (Linux). */
function machineCpuTime(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return undefined;
  }
}

/**
 * Runs `measure` while sampling the server's and the machine's CPU over the measured window. For
 * a cluster the server's CPU is that of the primary and all its workers, read from /proc.
 */
export async function withServerCpu(
  server: ServerProcess,
  measure: (onMeasureStart: () => void) => Promise<RunResult>,
): Promise<Measured> {
  let before: Promise<ProbeReport> | undefined;
  let machineBefore: ReturnType<typeof machineCpuTime>;
  if (server.cluster) {
    let cpuBefore = 0;
    const run = await measure(() => {
      cpuBefore = server.treeCpuSeconds();
      machineBefore = machineCpuTime();
    });
    const machineAfter = machineCpuTime();
    const serverCpu = (server.treeCpuSeconds() - cpuBefore) / run.seconds;
    return {
      run,
      serverCpu,
      ...(machineBefore && machineAfter
        ? { machineCpu: (machineAfter.busy - machineBefore.busy) / run.seconds }
        : {}),
    };
  }
  const run = await measure(() => {
    before = server.probe(false, true);
    machineBefore = machineCpuTime();
  });
  const machineAfter = machineCpuTime();
  const after = await server.probe();
  const start = await (before ?? server.probe());
  const micros = after.cpu.user + after.cpu.system - (start.cpu.user + start.cpu.system);
  return {
    run,
    serverCpu: micros / 1e6 / run.seconds,
    loopDelay: after.loopDelay,
    ...(machineBefore && machineAfter
      ? { machineCpu: (machineAfter.busy - machineBefore.busy) / run.seconds }
      : {}),
  };
}
