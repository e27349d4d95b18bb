import type { ProviderErrorInfo } from '../../upstream/errors.js';
import { hostupV1ErrorSchema, hostupV1RateLimitSchema, hostupV2ProblemSchema } from './wire.js';

/** Error bodies of both generations, read with their own schemas; unknown shapes give nothing. */
export function readHostupError(body: unknown): ProviderErrorInfo {
  // v1 bodies carry `error`, which problem documents never do: try them first.
  const v1 = hostupV1ErrorSchema.safeParse(body);
  if (v1.success) return { requestId: v1.data.requestId ?? undefined, message: v1.data.message ?? v1.data.error };
  const limited = hostupV1RateLimitSchema.safeParse(body);
  if (limited.success) return { requestId: limited.data.requestId ?? undefined, message: limited.data.message ?? limited.data.error };
  const problem = hostupV2ProblemSchema.safeParse(body);
  if (problem.success) {
    const p = problem.data;
    const info: ProviderErrorInfo = { requestId: p.requestId ?? undefined, message: p.detail ?? p.title ?? p.code };
    if (p.errors?.length) info.fields = p.errors.map((e) => e.pointer);
    return info;
  }
  return {};
}
