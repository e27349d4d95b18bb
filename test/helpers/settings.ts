import type { HttpSettings } from '../../src/datasources/http.js';
import type { ProviderDeps } from '../../src/datasources/registry.js';
import { createMetrics } from '../../src/metrics.js';

/** Short timeouts and waits so fault tests stay fast; assertions count, they never time. */
export const testHttpSettings: HttpSettings = {
  timeoutMs: 400,
  deadlineMs: 2500,
  retryLimit: 2,
  maxRetryAfterMs: 1500,
  backoffLimitMs: 50,
};

export function testDeps(overrides: Partial<HttpSettings> = {}): ProviderDeps & { metrics: ReturnType<typeof createMetrics> } {
  return { http: { ...testHttpSettings, ...overrides }, metrics: createMetrics() };
}
