import { settings, type Scenario } from './benchSettings.js';
import type { Running } from './benchTarget.js';
import { signIn, type Target } from './flows.js';
import { runClosed, runOpen, type Operation } from './loadRunner.js';
import { discoveryOrJwks, introspect, refresh } from './requestFlows.js';
import { round, summarize, withServerCpu, type ScenarioResult } from './scenarioResult.js';
import type { VirtualUser } from './seedStore.js';

/** How a scenario is driven: its label, its unit, its users and one operation. */
interface ScenarioPlan {
  label: string;
  unit: string;
  users: number;
  op: Operation;
  /** Whether it is also run in an open loop at half of its peak. */
  halfPeak: boolean;
}

/** The plan of `scenario` against one server (refresh/introspection set up tokens first). */
async function planScenario(r: Running, scenario: Scenario): Promise<ScenarioPlan> {
  const { target, users } = r;
  const user = (vu: number) => users[vu] as VirtualUser;
  switch (scenario) {
    case 'signin':
      return {
        label: 'complete sign-in',
        unit: 'sign-ins',
        users: settings.signInUsers,
        op: async (vu, step) => {
          await signIn(target, user(vu), step);
        },
        halfPeak: true,
      };
    case 'discovery': {
      let n = 0;
      return {
        label: 'discovery + JWKS',
        unit: 'requests',
        users: settings.requestUsers,
        op: () => discoveryOrJwks(target, n++),
        halfPeak: true,
      };
    }
    case 'refresh':
    case 'introspection':
      await prepareTokens(target, users.slice(0, settings.requestUsers));
      return scenario === 'refresh'
        ? {
            label: 'refresh-token rotation',
            unit: 'refreshes',
            users: settings.requestUsers,
            op: (vu) => refresh(target, user(vu)),
            halfPeak: false,
          }
        : {
            label: 'introspection',
            unit: 'requests',
            users: settings.requestUsers,
            op: (vu) => introspect(target, user(vu)),
            halfPeak: false,
          };
  }
}

/**
 * Runs `scenario` on every server: `settings.rounds` closed-loop rounds taken in turns (so a
 * busy moment on a shared machine lands on both), keeping each server's median round, then
 * the open loop at half of that median peak where the scenario has one.
 */
export async function runScenario(running: Running[], scenario: Scenario): Promise<void> {
  const plans = new Map<Running, ScenarioPlan>();
  const rounds = new Map<Running, ScenarioResult[]>();
  for (const r of running) {
    plans.set(r, await planScenario(r, scenario));
    rounds.set(r, []);
  }
  const durationMs = settings.seconds * 1000;
  for (let i = 0; i < settings.rounds; i++) {
    for (const r of running) {
      const plan = plans.get(r) as ScenarioPlan;
      console.log(`[${r.name}] ${scenario}, round ${i + 1} of ${settings.rounds}…`);
      const warmupMs = i === 0 ? settings.warmupSeconds * 1000 : 500;
      const measured = await withServerCpu(r.server, (onMeasureStart) =>
        runClosed({
          vus: plan.users,
          warmupMs,
          durationMs,
          maxOps: settings.maxOps,
          op: plan.op,
          onMeasureStart,
        }),
      );
      rounds.get(r)?.push(summarize(plan.label, plan.unit, plan.users, measured));
    }
  }
  for (const r of running) {
    const plan = plans.get(r) as ScenarioPlan;
    const all = rounds.get(r) ?? [];
    const sorted = [...all].sort((a, b) => a.throughput - b.throughput);
    const median = sorted[Math.floor((sorted.length - 1) / 2)] as ScenarioResult;
    r.result.scenarios.push({ ...median, rounds: all.map((x) => x.throughput) });
    // The cluster target is compared at peak only (keeps the run bounded).
    if (!plan.halfPeak || r.server.cluster) continue;
    // Open loop at half of the peak, latency counted from each scheduled start.
    const rate = Math.max(1, median.throughput / 2);
    console.log(`[${r.name}] ${scenario} at ${round(rate, 0)}/s…`);
    const half = await withServerCpu(r.server, (onMeasureStart) =>
      runOpen({
        rate,
        vus: plan.users,
        warmupMs: 1000,
        durationMs,
        op: plan.op,
        onMeasureStart,
      }),
    );
    r.result.halfPeak.push(
      summarize(`${plan.label} at ${round(rate, 0)}/s`, plan.unit, plan.users, half),
    );
  }
}

/** Signs each user in once with offline_access (through consent) for refresh and introspection. */
async function prepareTokens(target: Target, users: VirtualUser[]): Promise<void> {
  const pending = users.filter((u) => !u.refreshToken);
  const noop = <T>(_name: string, work: () => Promise<T>) => work();
  await Promise.all(
    pending.map(async (user) => {
      const tokens = await signIn(target, user, noop, {
        scope: 'openid email offline_access',
        prompt: 'consent',
      });
      if (!tokens?.refresh_token) throw new Error('set-up: no refresh token issued');
      user.refreshToken = tokens.refresh_token;
      user.accessToken = tokens.access_token;
    }),
  );
}
