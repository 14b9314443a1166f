import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'sesame:metrics-request';
const REPLY = 'sesame:metrics-reply';
const TIMEOUT_MS = 5000;

interface Request {
  type: typeof REQUEST;
  id: string;
}
interface Reply {
  type: typeof REPLY;
  id: string;
  text?: string;
  error?: string;
}

/**
 * In the cluster primary: answers workers' requests for the cluster-wide metrics by gathering
 * every worker's registry (prom-client's AggregatorRegistry sums counters and histograms).
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: Request) => {
    if (message?.type !== REQUEST) return;
    const reply = (body: Omit<Reply, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: REPLY, id: message.id, ...body });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (err: Error) => reply({ error: err.message }),
    );
  });
}

/** In a cluster worker: lets the primary collect `registry` when it aggregates. */
export function shareWorkerMetrics(registry: Registry): void {
  // Constructing one installs prom-client's worker-side listener.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}

/** In a cluster worker: asks the primary for the metrics of every worker, in Prometheus text. */
export function fetchClusterMetrics(): Promise<string> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const onMessage = (message: Reply) => {
      if (message?.type !== REPLY || message.id !== id) return;
      done();
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(message.error ?? 'no metrics'));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('the cluster primary did not answer'));
    }, TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    process.send?.({ type: REQUEST, id } satisfies Request);
  });
}
