/** OpenTelemetry tracing: off unless an exporter is chosen by the standard OTEL_* variables (config.ts reads them). */
export interface TracingSettings {
  /** `otlp` (HTTP/protobuf to `url`), `console`, or null for no SDK at all (the API stays a no-op). */
  exporter: 'otlp' | 'console' | null;
  /** OTLP traces endpoint. @default http://localhost:4318/v1/traces */
  url: string;
  /** @default ticketgraph */
  serviceName: string;
}

export interface Tracing {
  /** Flushes the spans still buffered; called on shutdown. */
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK when the OTEL_* variables choose an exporter. Without one
 * the SDK is not even loaded, and @opentelemetry/api's spans (request-context.ts) are no-ops.
 */
export async function startTracing(settings: TracingSettings): Promise<Tracing | null> {
  if (!settings.exporter) return null;
  const { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const exporter = settings.exporter === 'console' ? new ConsoleSpanExporter() : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: settings.url });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
