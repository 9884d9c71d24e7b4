import { SpanKind } from '@opentelemetry/api';
import { metrics } from './metrics.ts';
import { inSpan } from './tracing.ts';

type Kind = 'query' | 'execute' | 'script';
const methods: Record<string, Kind> = { queryRaw: 'query', executeRaw: 'execute', executeScript: 'script' };

/** SQL text for a span: statements are parameterized, so no values leak; long ones are cut. */
function statementOf(args: unknown[]): string {
  const first = args[0] as { sql?: string } | string | undefined;
  const sql = typeof first === 'string' ? first : (first?.sql ?? '');
  return sql.length > 2000 ? `${sql.slice(0, 2000)}…` : sql;
}

/** Counts, times and traces one statement as the adapter's statements are. */
function measured<R>(kind: Kind, system: string, args: unknown[], run: () => Promise<R>): Promise<R> {
  const started = performance.now();
  return inSpan(`sql ${kind}`, { 'db.system': system, 'db.statement': statementOf(args) }, run, SpanKind.CLIENT).finally(() =>
    metrics.sql(kind, (performance.now() - started) / 1000),
  );
}

/** A query function counted, timed and traced like the adapter's statements (the read lane's pool queries). */
export function instrumentQuery<R>(query: (sql: string, params: unknown[]) => Promise<R>, system: 'sqlite' | 'postgresql'): (sql: string, params: unknown[]) => Promise<R> {
  return (sql, params) => measured('query', system, [sql], () => query(sql, params));
}

/** Wraps the statement methods of a driver adapter or transaction; transactions it starts are wrapped too. */
function wrap<T extends object>(target: T, system: string): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      const kind = methods[property as string];
      if (kind) {
        return (...args: unknown[]) => measured(kind, system, args, () => value.apply(object, args));
      }
      if (property === 'startTransaction') return async (...args: unknown[]) => wrap(await value.apply(object, args), system);
      return value.bind(object);
    },
  });
}

/**
 * A Prisma driver adapter factory whose connections count and time every SQL
 * statement (Prometheus) and trace each as a span under the current one.
 * Both are no-ops while metrics and tracing are off.
 */
export function instrumentAdapter<F extends { connect(): Promise<object> }>(factory: F, system: 'sqlite' | 'postgresql'): F {
  return new Proxy(factory, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value === 'function' && (property === 'connect' || property === 'connectToShadowDb')) return async (...args: unknown[]) => wrap(await value.apply(object, args), system);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}
