import type { HttpSettings } from '../../src/upstream/http.js';
import type { ProviderDeps } from '../../src/upstream/provider.js';
import { createMetrics } from '../../src/metrics.js';

/** Short timeouts and waits so fault tests stay fast; assertions count, they never time. */
export const testHttpSettings: HttpSettings = {
  // Long enough that a loaded 2-core machine does not time out healthy calls (which would
  // add retries to exact call counts), short enough that hang tests end quickly.
  timeoutMs: 1000,
  deadlineMs: 2500,
  retryLimit: 2,
  maxRetryAfterMs: 1500,
  backoffLimitMs: 50,
};

export function testDeps(overrides: Partial<HttpSettings> = {}): ProviderDeps & { metrics: ReturnType<typeof createMetrics> } {
  return { http: { ...testHttpSettings, ...overrides }, metrics: createMetrics() };
}
