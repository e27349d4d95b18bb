import { NoSchemaIntrospectionCustomRule } from 'graphql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRequestDeadlines, useDeadlineRelease } from '../../src/use-deadline.js';
import { useNoIntrospection } from '../../src/use-no-introspection.js';

type OnResponse = (payload: { request: Request }) => void;
type OnValidate = (payload: { addValidationRule: (rule: unknown) => void }) => void;

afterEach(() => {
  vi.useRealTimers();
});

describe('createRequestDeadlines and useDeadlineRelease', () => {
  it('aborts the operation signal when the client goes away', () => {
    const client = new AbortController();
    const request = new Request('http://localhost/graphql', { signal: client.signal });
    const signal = createRequestDeadlines(60_000).signalFor(request);
    client.abort();
    expect(signal.aborted).toBe(true);
  });

  it('aborts the operation signal with a TimeoutError at the deadline', () => {
    vi.useFakeTimers();
    const signal = createRequestDeadlines(1000).signalFor(new Request('http://localhost/graphql'));
    vi.advanceTimersByTime(1000);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('once the response is sent, neither the deadline nor the client leaving aborts it', () => {
    vi.useFakeTimers();
    const client = new AbortController();
    const request = new Request('http://localhost/graphql', { signal: client.signal });
    const deadlines = createRequestDeadlines(1000);
    const signal = deadlines.signalFor(request);
    (useDeadlineRelease(deadlines).onResponse as OnResponse)({ request });
    expect(vi.getTimerCount()).toBe(0);
    client.abort();
    expect(signal.aborted).toBe(false);
  });
});

describe('useNoIntrospection', () => {
  it("adds graphql-js's introspection rule to validation", () => {
    const rules: unknown[] = [];
    (useNoIntrospection().onValidate as OnValidate)({ addValidationRule: (rule) => rules.push(rule) });
    expect(rules).toEqual([NoSchemaIntrospectionCustomRule]);
  });
});
