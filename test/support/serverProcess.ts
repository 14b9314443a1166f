import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');

/** A parsed JSON log line of the server. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** A real `node dist/src/main.js` child process. */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** `http://localhost:<port>`: where to send requests (ISSUER may name another port). */
  url: string;
  /** Every JSON log line written so far (stdout). */
  lines: LogLine[];
  /** Resolves with the first log line (past or future) matching `predicate`. */
  waitForLine(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs the process if still running (for cleanup). */
  kill(): void;
}

/** A loopback port free at the time of asking. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts the built server (`npm run build` first) with `env` over a clean environment (no
 * MONGODB_URI, LOG_LEVEL info, PORT from `env` or a free one) and resolves once `listening`
 * processes (default 1; the workers of a cluster each say so) report they listen.
 */
export async function startServerProcess(
  env: Record<string, string>,
  options: { listening?: number; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build` first');
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      MONGODB_URI: '',
      SMTP_URL: '',
      WORKERS: '1',
      LOG_LEVEL: 'info',
      ISSUER: `http://localhost:${port}`,
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const text of parts.filter(Boolean)) {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { msg: text };
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitForLine = (predicate: (line: LogLine) => boolean, timeoutMs = 10_000) => {
    const seen = lines.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no such log line within ${timeoutMs} ms; stderr: ${stderr.slice(-500)}`));
      }, timeoutMs);
      const waiter = {
        predicate,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      waiters.push(waiter);
    });
  };
  const server: ServerProcess = {
    child,
    port,
    url: `http://localhost:${port}`,
    lines,
    waitForLine,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  const wanted = options.listening ?? 1;
  let listening = 0;
  await Promise.race([
    waitForLine(
      (line) => line.msg === 'Sesame is listening' && ++listening >= wanted,
      options.timeoutMs ?? 20_000,
    ),
    exited.then(({ code }) => {
      throw new Error(`the server exited with ${code} before listening: ${stderr.slice(-500)}`);
    }),
  ]);
  return server;
}
