import type { Server } from 'node:http';
import { GraphQLError, parse, type DocumentNode, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Authenticator } from '../auth.js';
import type { Ticketgraph } from '../server.js';
import { inputError } from '../use-input-guard.js';

type EnvelopedExecution = ReturnType<Ticketgraph['getEnveloped']>;

/** Credentials from `connectionParams` (`Authorization: Bearer …` or `X-API-Key`, any case), else from the upgrade request. */
function credentialHeaders(params: Record<string, unknown> | undefined, upgrade: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  const pick = (name: string): string | undefined => {
    for (const [key, value] of Object.entries(params ?? {})) if (key.toLowerCase() === name && typeof value === 'string') return value;
    const header = upgrade[name];
    return typeof header === 'string' ? header : undefined;
  };
  const authorization = pick('authorization');
  const apiKey = pick('x-api-key');
  if (authorization) headers.set('authorization', authorization);
  if (apiKey) headers.set('x-api-key', apiKey);
  return headers;
}

/** One signal per socket (not a listener per operation), aborted when the socket closes. */
const socketSignals = new WeakMap<WebSocket, AbortSignal>();
function socketSignal(socket: WebSocket): AbortSignal {
  let signal = socketSignals.get(socket);
  if (!signal) {
    const controller = new AbortController();
    socket.once('close', () => controller.abort(new DOMException('the client went away', 'AbortError')));
    signal = controller.signal;
    socketSignals.set(socket, signal);
  }
  return signal;
}

/**
 * An operation refused before execution, answered as a result with errors (a `next` message,
 * then `complete`), as over HTTP. graphql-ws also takes an array of errors from onSubscribe,
 * but checks it with `instanceof GraphQLError`, which fails whenever its copy of graphql is
 * not the one that built the error (ESM/CJS, bundlers, vitest).
 */
const REFUSED_DOCUMENT = parse('{ __typename }');

function answerWith(errors: readonly GraphQLError[]): ExecutionArgs {
  const result = { errors };
  return {
    schema: undefined as unknown as ExecutionArgs['schema'],
    // graphql-ws picks execute or subscribe from the document's operation: one is needed, any.
    document: REFUSED_DOCUMENT,
    rootValue: { execute: () => result, subscribe: () => result },
  };
}

function toHeaders(incoming: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  return headers;
}

/**
 * GraphQL over WebSocket (the `graphql-transport-ws` protocol of graphql-ws) on the same
 * path as HTTP, wired to yoga's envelop as yoga's docs do it ("Subscriptions with
 * graphql-ws"), so the schema, armor limits, masking and context are the same as over
 * HTTP. A client proves itself once, at connection init: a missing or wrong credential
 * closes the socket with 4403 before any operation runs.
 */
export function attachWebSocket(server: Server, yoga: Ticketgraph, authenticate: Authenticator | null, options: { maxPayload: number }): () => Promise<void> {
  // A message is bounded as a request body is (MAX_BODY_BYTES); ws's own default is 100 MiB.
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: options.maxPayload });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedExecution).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedExecution).subscribe(args),
      onConnect: async (ctx) => {
        if (!authenticate) return true;
        const request = new Request(`http://ticketgraph${yoga.graphqlEndpoint}`, { headers: credentialHeaders(ctx.connectionParams, ctx.extra.request.headers) });
        return (await authenticate(request)).ok;
      },
      onSubscribe: async (ctx, _id, payload) => {
        // HTTP operations pass useInputGuard in yoga's onParams; these do not reach it.
        const refused = inputError(payload);
        if (refused) return answerWith([refused]);
        // The context factory and plugins expect a fetch Request (its signal, its headers): the
        // upgrade request's headers, with a signal that aborts when the socket closes.
        const request = new Request(`http://ticketgraph${yoga.graphqlEndpoint}`, { headers: toHeaders(ctx.extra.request.headers), signal: socketSignal(ctx.extra.socket) });
        const enveloped = yoga.getEnveloped({ ...ctx, request, req: ctx.extra.request, socket: ctx.extra.socket, params: payload });
        let document: DocumentNode;
        try {
          document = enveloped.parse(payload.query);
        } catch (error) {
          // A syntax error is the client's: an error message on this operation, not a closed socket.
          if (error instanceof GraphQLError) return answerWith([error]);
          throw error;
        }
        const args: ExecutionArgs = {
          schema: enveloped.schema,
          operationName: payload.operationName ?? null,
          document,
          variableValues: payload.variables ?? null,
          contextValue: await enveloped.contextFactory(),
          rootValue: enveloped,
        };
        const errors = enveloped.validate(args.schema, args.document);
        return errors.length > 0 ? answerWith(errors) : args;
      },
    },
    wss,
  );
  return async () => {
    await disposable.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}
