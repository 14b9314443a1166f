import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { createHttpServer } from './http/httpServer.js';
import { DEFAULT_LIMITS, scaleLimits } from './http/rateLimiter.js';
import { createLogger, type Logger } from './log/createLogger.js';
import { serveClusterMetrics } from './metrics/clusterMetrics.js';
import { flushBackchannelRetries } from './oidc/backchannelDelivery.js';
import { openStore } from './store/openStore.js';

/** How long SIGTERM waits for in-flight requests before closing anyway. */
const DRAIN_MS = 10_000;

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`sesame: configuration error: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
const logger = createLogger(config.logLevel);

if (config.workers > 1 && cluster.isPrimary) {
  runPrimary(config, logger);
} else {
  runServer(config, logger).catch((err: unknown) => {
    logger.fatal({ err }, 'could not start');
    process.exit(1);
  });
}

/** Forks one server per worker; they share the port (node:cluster) and the store. */
function runPrimary(cfg: Config, log: Logger): void {
  log.info({ workers: cfg.workers }, 'starting workers');
  let stopping = false;
  serveClusterMetrics();
  for (let i = 0; i < cfg.workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error({ pid: worker.process.pid, code, signal }, 'worker died; starting another');
    cluster.fork();
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function runServer(cfg: Config, log: Logger): Promise<void> {
  // Imported only once the configuration is known good, so a bad value prints one line.
  const { createApp } = await import('./app.js');
  const store = await openStore({
    dataDir: cfg.dataDir,
    mongodbUri: cfg.mongodbUri,
    onError: (what, err) => log.warn({ err }, what),
  });
  if (!cfg.smtpUrl)
    log.warn(
      'SMTP_URL is not set: mails are written to the log instead of sent (development only)',
    );
  if (cfg.rateLimitMultiplier !== 1)
    log.warn(
      { multiplier: cfg.rateLimitMultiplier },
      'BENCH_RATE_LIMIT_MULTIPLIER is set: rate limits are loosened (benchmarks only)',
    );
  const limits = scaleLimits(DEFAULT_LIMITS, cfg.rateLimitMultiplier);
  const { app, keyWatcher, admin, tasks } = await createApp(cfg, { store, logger: log, limits });
  const { logStartupHints } = await import('./admin/startupHints.js');
  if (!cluster.isWorker || cluster.worker?.id === 1)
    await logStartupHints(admin, log, cfg.issuer).catch((err: unknown) =>
      log.warn({ err }, 'could not check for administrators and apps'),
    );
  const server: Server = createHttpServer(app.callback()).listen(cfg.port, () => {
    log.info({ issuer: cfg.issuer, port: cfg.port, store: store.engine }, 'Sesame is listening');
  });
  server.on('error', (err) => {
    log.fatal({ err }, 'server error');
    process.exit(1);
  });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    keyWatcher.stop();
    const timer = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    timer.unref();
    server.close(() => {
      // Mails and audit events promised by responses already sent go out before the store
      // closes, and back-channel logouts waiting to be retried are tried once more now.
      const retried = new Promise<void>((resolve) => {
        setTimeout(resolve, DRAIN_MS).unref();
        void flushBackchannelRetries().then(resolve);
      });
      Promise.all([tasks.drain(DRAIN_MS), retried])
        .then(([left]) => {
          if (left > 0) log.error({ left }, 'shutdown: background tasks did not finish in time');
        })
        .then(() => store.close())
        .catch((err: unknown) => log.error({ err }, 'closing the store failed'))
        .finally(() => {
          log.info('stopped');
          process.exit(0);
        });
    });
    // Logged once the listening socket is closed, so whoever reads it can rely on it.
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    // Keep-alive connections go as soon as their last response is out, not at the client's leisure.
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 100).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
