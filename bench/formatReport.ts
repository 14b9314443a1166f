import os from 'node:os';
import path from 'node:path';
import { ROOT, settings } from './benchSettings.js';
import { inMemoryTables } from './memoryReport.js';
import { mb, round, type ScenarioResult, type TargetResult } from './scenarioResult.js';

/** The steps of a complete sign-in, in order (names as flows.ts times them). */
const SIGN_IN_STEPS = [
  'authorize',
  'sign-in page',
  'assertion options',
  'assertion verify',
  'resume to callback',
  'code exchange',
  'userinfo',
];

function pad(text: string | number, width: number): string {
  return String(text).padStart(width);
}

/** The report as printed (markdown tables and notes), for the console and docs/BENCHMARKS.md. */
export function formatReport(results: TargetResult[]): string {
  const lines: string[] = [];
  const sesame = results.find((r) => r.target === 'sesame');
  const baseline = results.find((r) => r.target === 'baseline');
  const auto = results.find((r) => r.target === 'sesame-auto');
  const memory = results.find((r) => r.target === 'baseline-memory');
  const load = os.loadavg().map((l) => l.toFixed(2));
  lines.push(
    `machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? '?'}), ${mb(os.totalmem())} MB RAM, node ${process.version}, load average at the end ${load.join(' ')}`,
  );
  lines.push(
    `store: ${settings.mongodbUri ? 'MongoDB' : 'embedded SQLite (WAL)'}; per scenario and server ${settings.warmupSeconds} s warm-up, then ${settings.rounds} rounds of ${settings.seconds} s taken in turns; ${settings.signInUsers} sign-in users, ${settings.requestUsers} users for the single-request scenarios, ${settings.accounts} accounts`,
  );
  lines.push(
    `servers: node ${[...settings.startFlags, ...settings.serverNodeFlags, path.relative(ROOT, settings.sesameScript)].join(' ')} (Sesame) and node dist/bench/bench/baselineServer.js (baseline), each with NODE_ENV=production LOG_LEVEL=warn WORKERS=1 BENCH_RATE_LIMIT_MULTIPLIER=100000, one process each, the generator in a third${memory ? '; the baseline also with BASELINE_ADAPTER=memory (in-memory baseline)' : ''}${auto ? `; Sesame also with WORKERS=auto (${auto.processes ?? '?'} processes: primary + workers), the same flags and its own store` : ''}`,
  );
  lines.push('');
  lines.push(
    '| scenario | Sesame /s | p50 ms | p95 ms | p99 ms | errors | baseline /s | p50 ms | p95 ms | p99 ms | errors | Sesame ÷ baseline | per CPU-second |',
  );
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  const cells = (r?: ScenarioResult) =>
    r ? [r.throughput, r.p50, r.p95, r.p99, r.errors] : ['–', '–', '–', '–', '–'];
  const rows = (sesame ?? baseline)?.scenarios ?? [];
  rows.forEach((row, i) => {
    const s = sesame?.scenarios[i];
    const b = baseline?.scenarios[i];
    const ratio = s && b && b.throughput > 0 ? round(s.throughput / b.throughput, 2) : '–';
    // The same ratio per server CPU-second: what each server does with the CPU it gets, which
    // a busy machine disturbs far less than throughput.
    const perCpu =
      s && b && s.serverCpuMsPerOp > 0 ? round(b.serverCpuMsPerOp / s.serverCpuMsPerOp, 2) : '–';
    lines.push(
      `| ${row.scenario} (${row.unit}/s) | ${cells(s).join(' | ')} | ${cells(b).join(' | ')} | ${ratio} | ${perCpu} |`,
    );
  });
  lines.push('');
  lines.push('Throughput of each round (the tables show the median round):');
  rows.forEach((row, i) => {
    const list = (r?: ScenarioResult) => r?.rounds?.join(' / ') ?? '–';
    lines.push(
      `- ${row.scenario}: Sesame ${list(sesame?.scenarios[i])}; baseline ${list(baseline?.scenarios[i])}`,
    );
  });
  if (auto) lines.push(...workersTable(sesame, auto));
  if (memory) lines.push(...inMemoryTables(sesame, baseline, memory));
  lines.push('');
  lines.push(
    '| CPU over the window | Sesame server | ms/op | loop delay p99/max ms | generator | others | baseline server | ms/op | loop delay p99/max ms | generator | others |',
  );
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  const cpu = (r?: ScenarioResult) =>
    r
      ? [
          `${r.serverCpu}%`,
          r.serverCpuMsPerOp,
          r.loopDelay ? `${r.loopDelay.p99} / ${r.loopDelay.max}` : 'n/a (cluster)',
          `${r.generatorCpu}%`,
          `${r.otherCpu ?? '?'}%`,
        ]
      : ['–', '–', '–', '–', '–'];
  const withHalf = (r?: TargetResult) => [...(r?.scenarios ?? []), ...(r?.halfPeak ?? [])];
  withHalf(sesame ?? baseline).forEach((row, i) => {
    lines.push(
      `| ${row.scenario} | ${cpu(withHalf(sesame)[i]).join(' | ')} | ${cpu(withHalf(baseline)[i]).join(' | ')} |`,
    );
  });
  const halves = (sesame ?? baseline)?.halfPeak ?? [];
  if (halves.length) {
    lines.push('');
    lines.push(
      "At half of each server's peak (open loop; latency counted from the scheduled start):",
    );
    lines.push('');
    lines.push(
      '| scenario | Sesame rate | achieved | p50 ms | p95 ms | p99 ms | errors | baseline rate | achieved | p50 ms | p95 ms | p99 ms | errors |',
    );
    lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    const halfCells = (h?: ScenarioResult) =>
      h
        ? [
            / at (\d+)\/s$/.exec(h.scenario)?.[1] ?? '?',
            h.throughput,
            h.p50,
            h.p95,
            h.p99,
            h.errors,
          ]
        : ['–', '–', '–', '–', '–', '–'];
    halves.forEach((row, i) => {
      lines.push(
        `| ${row.scenario.replace(/ at \d+\/s$/, '')} (${row.unit}/s) | ${halfCells(sesame?.halfPeak[i]).join(' | ')} | ${halfCells(baseline?.halfPeak[i]).join(' | ')} |`,
      );
    });
  }
  const sSteps = sesame?.scenarios.find((s) => s.steps)?.steps;
  const bSteps = baseline?.scenarios.find((s) => s.steps)?.steps;
  const mSteps = memory?.scenarios.find((s) => s.steps)?.steps;
  if (sSteps || bSteps || mSteps) {
    lines.push('');
    lines.push(
      `sign-in steps at peak, p50 ms (Sesame / baseline${memory ? ' / in-memory baseline' : ''}):`,
    );
    for (const step of SIGN_IN_STEPS) {
      const m = memory ? ` / ${pad(mSteps?.[step] ?? '–', 7)}` : '';
      lines.push(
        `  ${step.padEnd(20)} ${pad(sSteps?.[step] ?? '–', 7)} / ${pad(bSteps?.[step] ?? '–', 7)}${m}`,
      );
    }
  }
  if (auto) {
    lines.push('');
    lines.push(
      'sesame-auto memory: n/a (cluster; the probe answers for the primary alone, not for the workers)',
    );
  }
  if (memory && settings.sessions > 0) {
    lines.push('');
    lines.push(
      'baseline-memory memory: not measured (its sessions live in process memory, not in the store whose live sessions the top-up counts)',
    );
  }
  for (const r of results) {
    if (!r.memory) continue;
    const m = r.memory;
    lines.push('');
    lines.push(
      `${r.target} memory with ${m.sessions} live sessions: RSS ${m.rssMb} MB (idle at start ${m.idleRssMb} MB), heap used ${m.heapUsedMb} MB of ${m.heapTotalMb} MB; after a full GC RSS ${m.rssAfterGcMb} MB, heap used ${m.heapUsedAfterGcMb} MB`,
    );
  }
  for (const r of results) {
    for (const s of withHalf(r)) {
      if (s.errorSamples.length)
        lines.push(`${r.target} ${s.scenario} errors: ${s.errorSamples.join(' | ')}`);
    }
    const logged = r.log.filter(
      (l) => !/SMTP_URL is not set|BENCH_RATE_LIMIT_MULTIPLIER|Unsupported runtime/.test(l),
    );
    if (logged.length) {
      lines.push(`${r.target} server log (warn and above, first lines):`);
      lines.push(...logged.slice(0, 10).map((l) => `  ${l.slice(0, 300)}`));
    }
  }
  return lines.join('\n');
}

/**
 * Sesame with WORKERS=1 beside WORKERS=auto, at peak. The cluster's CPU is that of the primary
 * and all its workers (from /proc); its event-loop delay, memory and half-peak runs are not
 * measured.
 */
function workersTable(one: TargetResult | undefined, auto: TargetResult): string[] {
  const lines = [''];
  lines.push(
    `Sesame WORKERS=1 vs WORKERS=auto (${auto.processes ?? '?'} processes; server CPU of auto summed over the primary and its workers, % of one core):`,
  );
  lines.push('');
  lines.push(
    '| scenario | WORKERS=1 /s | p50 ms | p99 ms | errors | server CPU | ms/op | WORKERS=auto /s | p50 ms | p99 ms | errors | server CPU | ms/op | auto ÷ 1 |',
  );
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  const cells = (r?: ScenarioResult) =>
    r
      ? [r.throughput, r.p50, r.p99, r.errors, `${r.serverCpu}%`, r.serverCpuMsPerOp]
      : ['–', '–', '–', '–', '–', '–'];
  const rows = auto.scenarios;
  rows.forEach((a, i) => {
    const s = one?.scenarios[i];
    const ratio = s && s.throughput > 0 ? round(a.throughput / s.throughput, 2) : '–';
    lines.push(
      `| ${a.scenario} (${a.unit}/s) | ${cells(s).join(' | ')} | ${cells(a).join(' | ')} | ${ratio} |`,
    );
  });
  lines.push('');
  for (const a of rows) {
    const s = one?.scenarios.find((x) => x.scenario === a.scenario);
    lines.push(
      `- ${a.scenario} rounds: WORKERS=1 ${s?.rounds?.join(' / ') ?? '–'}; WORKERS=auto ${a.rounds?.join(' / ') ?? '–'}`,
    );
  }
  return lines;
}
