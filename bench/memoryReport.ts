import { round, type ScenarioResult, type TargetResult } from './scenarioResult.js';

/** `a ÷ b` of throughput, or '–'. */
function ratio(a?: ScenarioResult, b?: ScenarioResult): number | string {
  return a && b && b.throughput > 0 ? round(a.throughput / b.throughput, 2) : '–';
}

/** `a ÷ b` per server CPU-second (the inverse ratio of CPU ms per operation), or '–'. */
function perCpu(a?: ScenarioResult, b?: ScenarioResult): number | string {
  return a && b && a.serverCpuMsPerOp > 0 ? round(b.serverCpuMsPerOp / a.serverCpuMsPerOp, 2) : '–';
}

/**
 * The in-memory baseline (`baseline-memory`: oidc-provider's models in a Map) beside Sesame and
 * the store-backed baseline: what the store costs Sesame and the library itself. Two tables:
 * the ratios (throughput and per server CPU-second, with each server's CPU ms per operation),
 * then the in-memory baseline's own numbers for every window, half-peak runs included.
 */
export function inMemoryTables(
  sesame: TargetResult | undefined,
  baseline: TargetResult | undefined,
  memory: TargetResult,
): string[] {
  const lines = [''];
  lines.push(
    'In-memory baseline (bare oidc-provider, its models in a Map instead of the store; accounts, keys and groups still from the store). Ratios of throughput, then per server CPU-second; B = store-backed baseline, M = in-memory:',
  );
  lines.push('');
  lines.push(
    '| scenario | server ms/op Sesame / B / M | Sesame ÷ B | Sesame ÷ M | B ÷ M | per CPU-s Sesame ÷ B | Sesame ÷ M | B ÷ M |',
  );
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|');
  const byName = (r: TargetResult | undefined, name: string) =>
    r?.scenarios.find((s) => s.scenario === name);
  for (const m of memory.scenarios) {
    const s = byName(sesame, m.scenario);
    const b = byName(baseline, m.scenario);
    const ms = [s, b, m].map((r) => r?.serverCpuMsPerOp ?? '–').join(' / ');
    lines.push(
      `| ${m.scenario} | ${ms} | ${ratio(s, b)} | ${ratio(s, m)} | ${ratio(b, m)} | ${perCpu(s, b)} | ${perCpu(s, m)} | ${perCpu(b, m)} |`,
    );
  }
  lines.push('');
  lines.push(
    '| in-memory baseline | /s | p50 ms | p95 ms | p99 ms | errors | server CPU | ms/op | loop delay p99/max ms | generator | others |',
  );
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of [...memory.scenarios, ...memory.halfPeak]) {
    const delay = r.loopDelay ? `${r.loopDelay.p99} / ${r.loopDelay.max}` : '–';
    lines.push(
      `| ${r.scenario} | ${r.throughput} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors} | ${r.serverCpu}% | ${r.serverCpuMsPerOp} | ${delay} | ${r.generatorCpu}% | ${r.otherCpu ?? '?'}% |`,
    );
  }
  lines.push('');
  for (const m of memory.scenarios) {
    lines.push(`- ${m.scenario} rounds, in-memory: ${m.rounds?.join(' / ') ?? '–'}`);
  }
  return lines;
}
