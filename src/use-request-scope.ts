import { SpanStatusCode } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context.js';
import type { Logger } from './logger.js';
import type { ProviderOutcomes } from './outcomes.js';
import { currentScope, openScope, runInScope, type RequestScope } from './request-context.js';

/**
 * Every request runs in its scope (request-context.ts): an id (the client's `x-request-id`
 * if it looks like one, else a UUID) echoed on the response, the client's `traceparent`
 * continued, a child logger carrying both. When the response is ready, one line at info
 * sums the request up: operation, HTTP status, duration and what each provider did.
 */
export function useRequestScope(base: Logger, graphqlEndpoint: string): Plugin<Context> {
  const scopes = new WeakMap<Request, RequestScope>();
  const outcomes = new WeakMap<RequestScope, ProviderOutcomes>();
  return {
    instrumentation: {
      request: ({ request }, wrapped) => {
        const scope = openScope(request, base);
        scopes.set(request, scope);
        return runInScope(scope, wrapped);
      },
    },
    onExecute: ({ args }) => {
      const scope = currentScope();
      if (!scope) return;
      const name = args.operationName ?? getOperationAST(args.document, args.operationName)?.name?.value ?? null;
      // A batched request runs several operations in one scope.
      scope.operationName = scope.operationName && name ? `${scope.operationName},${name}` : (name ?? scope.operationName);
      const ctx = args.contextValue as Partial<Context>;
      if (ctx.outcomes) outcomes.set(scope, ctx.outcomes);
    },
    onResponse: ({ request, response }) => {
      const scope = scopes.get(request);
      if (!scope) return;
      response.headers.set('x-request-id', scope.requestId);
      const { path } = scope;
      // Probes and scrapes would drown the requests that matter.
      const level = path === graphqlEndpoint ? 'info' : 'debug';
      if (base.isLevelEnabled(level)) {
        const durationMs = Math.round((performance.now() - scope.startedAt) * 10) / 10;
        const reported = new Map((outcomes.get(scope)?.list() ?? []).map((entry) => [entry.provider as string, entry.outcome as string]));
        const providers: Record<string, { outcome: string; calls: number; attempts: number }> = {};
        for (const [provider, tally] of scope.tally) {
          providers[provider] = { outcome: reported.get(provider) ?? (tally.failed > 0 ? 'ERROR' : 'OK'), calls: tally.calls, attempts: tally.attempts };
        }
        for (const [provider, outcome] of reported) providers[provider] ??= { outcome, calls: 0, attempts: 0 };
        // Through the base logger with the scope's bindings: the same line as its child
        // logger writes, without making one per request only for it.
        base[level]({ ...scope.bindings(), method: request.method, path, operation: scope.operationName, status: response.status, durationMs, providers }, 'request');
      }
      if (scope.operationName) scope.span.updateName(`graphql ${scope.operationName}`);
      scope.span.setAttribute('http.response.status_code', response.status);
      if (response.status >= 500) scope.span.setStatus({ code: SpanStatusCode.ERROR });
      scope.span.end();
    },
  };
}
