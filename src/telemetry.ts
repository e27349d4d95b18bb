import type { Config } from './config.js';

export interface Tracing {
  /** Flushes the spans still buffered; called on shutdown. */
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK when the OTEL_* variables choose an exporter. Without one
 * the SDK is not even loaded, and @opentelemetry/api's spans (request-context.ts) are no-ops.
 */
export async function startTracing(settings: Config['otel']): Promise<Tracing | null> {
  if (!settings.exporter) return null;
  const { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const exporter =
    settings.exporter === 'console'
      ? new ConsoleSpanExporter()
      : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: settings.url });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
