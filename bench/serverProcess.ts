import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpClient } from './httpClient.js';

/** What the server's probe reports (see serverProbe.ts). */
export interface ProbeReport {
  memory: NodeJS.MemoryUsage;
  cpu: NodeJS.CpuUsage;
  /** Event-loop delay (ms) since the last probe that asked for a reset. */
  loopDelay: { p50: number; p99: number; max: number };
}

/** The fields of /proc/<pid>/stat after the command name (index 0 is the state), or undefined: index n - 3 is field n of proc(5). */
function procStat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A server under test running as a child process, with the probe preloaded and an IPC channel
 * to ask it about memory and CPU. Its log lines (warn and above) are kept for the report.
 */
export class ServerProcess {
  readonly child: ChildProcess;
  readonly log: string[] = [];
  /** A node:cluster primary with workers: the probe answers for the primary alone. */
  readonly cluster: boolean;
  private nextId = 1;
  private readonly pending = new Map<number, (report: ProbeReport) => void>();

  constructor(options: {
    script: string;
    probe: string;
    env: NodeJS.ProcessEnv;
    nodeFlags?: string[];
    cluster?: boolean;
  }) {
    this.cluster = options.cluster ?? false;
    this.child = spawn(
      process.execPath,
      [...(options.nodeFlags ?? []), '--import', options.probe, options.script],
      { env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    );
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() && this.log.length < 200) this.log.push(line);
      }
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('message', (message: { type?: string; id?: number } & ProbeReport) => {
      if (message.type !== 'probe' || message.id === undefined) return;
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
  }

  /** Waits until `path` answers 200 (at most `timeoutMs`). */
  async waitReady(http: HttpClient, path: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        throw new Error(`server exited (${this.child.exitCode}):\n${this.log.join('\n')}`);
      }
      try {
        const res = await http.request('GET', path);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`server not ready after ${timeoutMs} ms:\n${this.log.join('\n')}`);
  }

  /**
   * Memory, CPU time and event-loop delay of the server process; `gc` runs a full collection
   * first, `reset` starts a new event-loop delay window.
   */
  probe(gc = false, reset = false): Promise<ProbeReport> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server probe timed out')), 10_000);
      this.pending.set(id, (report) => {
        clearTimeout(timer);
        resolve(report);
      });
      this.child.send({ type: 'probe', id, gc, reset });
    });
  }

  /** The server's pid and those of its children (the cluster workers), from /proc (Linux). */
  processTree(): number[] {
    const root = this.child.pid;
    if (root === undefined) return [];
    const pids = [root];
    let entries: string[];
    try {
      entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
    } catch {
      return pids;
    }
    for (const entry of entries) {
      const pid = Number(entry);
      if (pid !== root && Number(procStat(pid)?.[1]) === root) pids.push(pid);
    }
    return pids;
  }

  /**
   * CPU seconds (user + system) used so far by the server and its living children, from
   * /proc/<pid>/stat (Linux, 100 ticks a second); a worker that exits takes its time with it.
   */
  treeCpuSeconds(): number {
    let ticks = 0;
    for (const pid of this.processTree()) {
      const fields = procStat(pid);
      // utime and stime are fields 14 and 15 of /proc/<pid>/stat, 11 and 12 here; ppid (4) is 1.
      if (fields) ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / 100;
  }

  /** SIGTERM, then waits for the exit (SIGKILL after 15 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
