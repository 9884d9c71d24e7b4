import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { MonitoringConfig } from '../base/config.ts';

/**
 * Strata's tracer. Until {@link startTracing} registers a provider it is
 * OpenTelemetry's no-op tracer: spans cost almost nothing when tracing is off.
 */
export const tracer = () => trace.getTracer('strata');

let provider: NodeTracerProvider | null = null;

/**
 * Starts exporting spans (once per process): to `exporter` when given (tests
 * use an in-memory one), else over OTLP/HTTP to `OTEL_EXPORTER_OTLP_ENDPOINT`.
 * Returns false when neither is set (tracing stays off).
 */
export function startTracing(config: Pick<MonitoringConfig, 'otlpEndpoint' | 'serviceName'>, exporter?: SpanExporter): boolean {
  if (provider) return true;
  if (!exporter && !config.otlpEndpoint) return false;
  const processor = exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` }));
  provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': config.serviceName }), spanProcessors: [processor] });
  // Also installs the AsyncLocalStorage context manager: SQL and handler spans find their request's span.
  provider.register();
  return true;
}

/** True once spans are exported. */
export function isTracing(): boolean {
  return provider !== null;
}

/** Flushes and stops the exporter (process shutdown, tests). */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  provider = null;
  if (!stopping) return;
  await stopping.shutdown();
  trace.disable();
  context.disable();
}

/** Runs `work` in a new active span, ending it (with the error recorded) when `work` settles. */
export async function inSpan<T>(name: string, attributes: Record<string, string | number | boolean>, work: (span: Span) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
