import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus series. Capabilities record into {@link metrics}
 * whatever the configuration: until {@link enableMetrics} runs every call is
 * a no-op, so code paths cost nothing when the endpoint is off.
 */
interface Instruments {
  registry: Registry;
  requests: Counter<'operation' | 'type' | 'outcome'>;
  requestSeconds: Histogram<'operation' | 'type' | 'outcome'>;
  sqlStatements: Counter<'kind'>;
  sqlSeconds: Histogram<'kind'>;
  deliveries: Counter<'trigger' | 'outcome'>;
  handlerSeconds: Histogram<'trigger' | 'outcome'>;
  scheduleRuns: Counter<'schedule' | 'outcome'>;
  scheduleLateness: Histogram<'schedule'>;
  uploadBytes: Counter<'via'>;
  rateLimited: Counter<'source'>;
  gauges: Map<string, Set<() => number>>;
}

let active: Instruments | null = null;

/** Client-chosen names become labels: they are shaped and capped, so a client cannot grow the series without bound. */
const MAX_OPERATION_NAMES = 200;
const seenOperations = new Set<string>();

/** The label for an operation name: `anonymous`, the name, or `other` past the cap or for odd names. */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'other';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= MAX_OPERATION_NAMES) return 'other';
  seenOperations.add(name);
  return name;
}

const durationBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Creates the series (once per process) and returns the registry the endpoint serves. */
export function enableMetrics(): Registry {
  if (active) return active.registry;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'strata_' });
  const registers = [registry];
  const gauges = new Map<string, Set<() => number>>();
  const gauge = (name: string, help: string) => {
    const sources = new Set<() => number>();
    gauges.set(name, sources);
    new Gauge({
      name,
      help,
      registers,
      collect() {
        let total = 0;
        for (const source of sources) total += source();
        this.set(total);
      },
    });
  };
  gauge('strata_websocket_connections', 'Open graphql-ws connections.');
  gauge('strata_subscriptions_active', 'Active subscriptions (websocket and SSE).');
  active = {
    registry,
    gauges,
    requests: new Counter({ name: 'strata_graphql_requests_total', help: 'GraphQL operations over HTTP, by operation name, type and outcome (ok or the error code).', labelNames: ['operation', 'type', 'outcome'], registers }),
    requestSeconds: new Histogram({ name: 'strata_graphql_request_duration_seconds', help: 'Duration of GraphQL operations over HTTP.', labelNames: ['operation', 'type', 'outcome'], buckets: durationBuckets, registers }),
    sqlStatements: new Counter({ name: 'strata_sql_statements_total', help: 'SQL statements sent to the database, by kind (query, execute, script).', labelNames: ['kind'], registers }),
    sqlSeconds: new Histogram({ name: 'strata_sql_statement_duration_seconds', help: 'Duration of SQL statements.', labelNames: ['kind'], buckets: [0.0005, ...durationBuckets], registers }),
    deliveries: new Counter({ name: 'strata_trigger_deliveries_total', help: 'Trigger delivery attempts, by outcome: delivered, retry or dead (dead-lettered).', labelNames: ['trigger', 'outcome'], registers }),
    handlerSeconds: new Histogram({ name: 'strata_trigger_handler_duration_seconds', help: 'Duration of trigger handlers.', labelNames: ['trigger', 'outcome'], buckets: durationBuckets, registers }),
    scheduleRuns: new Counter({ name: 'strata_schedule_runs_total', help: 'Scheduled function runs, by outcome (ok or failed).', labelNames: ['schedule', 'outcome'], registers }),
    scheduleLateness: new Histogram({ name: 'strata_schedule_lateness_seconds', help: 'Delay between a tick and the start of its run.', labelNames: ['schedule'], buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300], registers }),
    uploadBytes: new Counter({ name: 'strata_upload_bytes_total', help: 'Bytes of files stored through the API.', labelNames: ['via'], registers }),
    rateLimited: new Counter({ name: 'strata_rate_limit_refusals_total', help: 'Requests refused with RATE_LIMITED, by source.', labelNames: ['source'], registers }),
  };
  return registry;
}

/** The registry, or null while metrics are off. */
export function metricsRegistry(): Registry | null {
  return active?.registry ?? null;
}

/** Recording functions; each is a no-op while metrics are off. */
export const metrics = {
  request(operation: string, type: string, outcome: string, seconds: number): void {
    active?.requests.inc({ operation, type, outcome });
    active?.requestSeconds.observe({ operation, type, outcome }, seconds);
  },
  sql(kind: 'query' | 'execute' | 'script', seconds: number): void {
    active?.sqlStatements.inc({ kind });
    active?.sqlSeconds.observe({ kind }, seconds);
  },
  triggerDelivery(trigger: string, outcome: 'delivered' | 'retry' | 'dead', seconds?: number): void {
    active?.deliveries.inc({ trigger, outcome });
    if (seconds !== undefined) active?.handlerSeconds.observe({ trigger, outcome: outcome === 'delivered' ? 'ok' : 'failed' }, seconds);
  },
  scheduleRun(schedule: string, outcome: 'ok' | 'failed', latenessSeconds: number): void {
    active?.scheduleRuns.inc({ schedule, outcome });
    active?.scheduleLateness.observe({ schedule }, Math.max(0, latenessSeconds));
  },
  uploadBytes(bytes: number, via: 'multipart' | 'presigned' = 'multipart'): void {
    active?.uploadBytes.inc({ via }, bytes);
  },
  /** A refusal with RATE_LIMITED (`source`: auth, api, websocket...). */
  rateLimited(source: string): void {
    active?.rateLimited.inc({ source });
  },
  /** Adds a source to a gauge (summed over sources, read at scrape time); returns its removal. */
  gauge(name: 'strata_websocket_connections' | 'strata_subscriptions_active', read: () => number): () => void {
    const sources = active?.gauges.get(name);
    sources?.add(read);
    return () => void sources?.delete(read);
  },
};
