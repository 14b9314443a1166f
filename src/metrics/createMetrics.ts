import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Sesame's Prometheus metrics, in their own registry (one per app, so tests stay apart). */
export interface Metrics {
  registry: Registry;
  /** `sesame_http_requests_total{route,method,status}`. */
  httpRequests: Counter<'route' | 'method' | 'status'>;
  /** `sesame_http_request_duration_seconds{route}`. */
  httpDuration: Histogram<'route'>;
  /** `sesame_token_request_duration_seconds{grant_type,status}`: the token endpoint. */
  tokenDuration: Histogram<'grant_type' | 'status'>;
  /** `sesame_passkey_ceremony_duration_seconds{ceremony,step,outcome}`: server-side ceremony work. */
  ceremonyDuration: Histogram<'ceremony' | 'step' | 'outcome'>;
  /** `sesame_signins_total{method,outcome}`: outcome is `success` or the error code shown. */
  signIns: Counter<'method' | 'outcome'>;
  /** `sesame_store_errors_total{operation,kind}`: kind `unavailable` (503) or `error`. */
  storeErrors: Counter<'operation' | 'kind'>;
  /** `sesame_key_reloads_total{result}`: providers rebuilt after a key rotation. */
  keyReloads: Counter<'result'>;
}

// Ceremony and token work is milliseconds; 2.5 s means something is stuck (store, CPU).
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/**
 * Creates the registry with Node's default process metrics and Sesame's own. Every label takes
 * values from a small fixed set (route templates, codes), never from request data.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'sesame_http_requests_total',
      help: 'HTTP requests by route template, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'sesame_http_request_duration_seconds',
      help: 'HTTP request latency by route template',
      labelNames: ['route'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    tokenDuration: new Histogram({
      name: 'sesame_token_request_duration_seconds',
      help: 'Token endpoint latency by grant type and status',
      labelNames: ['grant_type', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    ceremonyDuration: new Histogram({
      name: 'sesame_passkey_ceremony_duration_seconds',
      help: 'Server-side WebAuthn ceremony latency (options and verification)',
      labelNames: ['ceremony', 'step', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    signIns: new Counter({
      name: 'sesame_signins_total',
      help: 'Passkey sign-ins (and sign-ups) by method and outcome',
      labelNames: ['method', 'outcome'],
      registers,
    }),
    storeErrors: new Counter({
      name: 'sesame_store_errors_total',
      help: 'Store operations that failed, by operation and kind',
      labelNames: ['operation', 'kind'],
      registers,
    }),
    keyReloads: new Counter({
      name: 'sesame_key_reloads_total',
      help: 'Provider rebuilds after the stored keys changed',
      labelNames: ['result'],
      registers,
    }),
  };
}
