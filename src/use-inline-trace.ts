import { google, Trace } from '@apollo/usage-reporting-protobuf';
import { defaultFieldResolver, type GraphQLError, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema, type ResponsePath } from 'graphql';
import { mapSchema, MapperKind } from '@graphql-tools/utils';
import { createGraphQLError, isAsyncIterable, type Plugin } from 'graphql-yoga';

/*
 * Federated tracing (ftv1): the trace a gateway asks for with
 * `apollo-federation-include-trace: ftv1`, base64 in `extensions.ftv1`.
 *
 * The same trace as @graphql-yoga/plugin-apollo-inline-trace builds (its logic, ported), but
 * paid for only by the requests that ask. That plugin wraps every field's resolver with
 * @envelop/on-resolve, which on every field of every request allocates an argument object,
 * closures and a promise-helper chain before finding that the request is not traced: about
 * an eighth of the 50-ticket feed's GraphQL-side CPU. Even a wrapper that only looks the
 * operation up cost most of that (an extra megamorphic call per field, and a resolver on
 * every field that had none). So the schema stays as it is, and a traced operation executes
 * on a copy of it whose resolvers are wrapped, made the first time one is traced.
 */

/** Whether a gateway asked for the trace of this request. */
export const wantsTrace = (request: Request): boolean => request.headers.get('apollo-federation-include-trace') === 'ftv1';

/** One HTTP request that asked for a trace (a batched request carries several operations). */
interface TracedRequest {
  startHrTime: [number, number];
  traceStartTimestamp: google.protobuf.Timestamp;
  /** The result was shipped: resolvers still running (abandoned promises) add nothing. */
  stopped: boolean;
}

/** The trace of one operation. */
interface TracedOperation {
  request: TracedRequest;
  rootNode: Trace.Node;
  trace: Trace;
  nodes: Map<string, Trace.Node>;
}

export function useInlineTrace(): Plugin {
  const requests = new WeakMap<Request, TracedRequest>();
  const operations = new WeakMap<object, TracedOperation>();
  /** Per schema yoga executes with: its copy with every field's resolver traced. */
  const tracedSchemas = new WeakMap<GraphQLSchema, GraphQLSchema>();

  const traceResolver =
    (resolve: GraphQLFieldResolver<unknown, object>): GraphQLFieldResolver<unknown, object> =>
    (root, args, context, info) => {
      const operation = operations.get(context);
      if (operation === undefined || operation.request.stopped) return resolve(root, args, context, info);
      const node = startNode(operation, info);
      const end = () => {
        node.endTime = sinceStart(operation.request);
      };
      let result: unknown;
      try {
        result = resolve(root, args, context, info);
      } catch (error) {
        end();
        throw error;
      }
      if (isPromiseLike(result)) {
        return result.then(
          (value) => {
            end();
            return value;
          },
          (error: unknown) => {
            end();
            throw error;
          },
        );
      }
      end();
      return result;
    };

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (!operations.has(args.contextValue as object)) return;
      let traced = tracedSchemas.get(args.schema);
      if (!traced) {
        traced = tracedCopy(args.schema, traceResolver);
        tracedSchemas.set(args.schema, traced);
      }
      const schema = traced;
      setExecuteFn((executeArgs) => executeFn({ ...executeArgs, schema }));
    },
    onRequest({ request }) {
      if (wantsTrace(request)) requests.set(request, { startHrTime: process.hrtime(), traceStartTimestamp: nowTimestamp(), stopped: false });
    },
    onEnveloped({ context }) {
      const request = context && 'request' in context ? requests.get(context.request as Request) : undefined;
      if (!context || !request) return;
      const rootNode = new Trace.Node();
      // fieldExecutionWeight 1: each field is traced (Apollo's traceTreeBuilder sets it so).
      const trace = new Trace({ root: rootNode, fieldExecutionWeight: 1, startTime: request.traceStartTimestamp });
      operations.set(context, { request, rootNode, trace, nodes: new Map([['', rootNode]]) });
    },
    onExecutionResult({ context, result, setResult }) {
      if (result == null || isAsyncIterable(result)) return;
      const operation = operations.get(context);
      if (!operation || operation.request.stopped) return;
      if (result.extensions?.ftv1 !== undefined) throw new Error('The `ftv1` extension is already present');
      if (result.errors?.length) recordErrors(operation, result.errors);
      operation.trace.durationNs = sinceStart(operation.request);
      operation.trace.endTime = nowTimestamp();
      const ftv1 = Buffer.from(Trace.encode(operation.trace).finish()).toString('base64');
      setResult({ ...result, extensions: { ...result.extensions, ftv1 } });
    },
    onResultProcess({ request, result }) {
      if (isAsyncIterable(result)) return;
      const traced = requests.get(request);
      if (traced) traced.stopped = true;
    },
  };
}

/** The schema again, with each field's resolver (the default one where it has none) wrapped. */
function tracedCopy(schema: GraphQLSchema, wrap: (resolve: GraphQLFieldResolver<unknown, object>) => GraphQLFieldResolver<unknown, object>): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field) => ({ ...field, resolve: wrap((field.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<unknown, object>) }),
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function sinceStart(request: TracedRequest): number {
  const [seconds, nanos] = process.hrtime(request.startHrTime);
  return seconds * 1e9 + nanos;
}

function nowTimestamp(): google.protobuf.Timestamp {
  const totalMillis = Date.now();
  const millis = totalMillis % 1000;
  return new google.protobuf.Timestamp({ seconds: (totalMillis - millis) / 1000, nanos: millis * 1e6 });
}

function startNode(operation: TracedOperation, info: GraphQLResolveInfo): Trace.Node {
  const node = newTraceNode(operation, info.path);
  node.type = info.returnType.toString();
  node.parentType = info.parentType.toString();
  node.startTime = sinceStart(operation.request);
  // An aliased field: the trace names it by its alias and keeps the field's own name too.
  if (typeof info.path.key === 'string' && info.path.key !== info.fieldName) node.originalFieldName = info.fieldName;
  return node;
}

/** `a.0.b`: the response path as the trace's node map keys it. */
function pathKey(path: ResponsePath | undefined): string {
  if (path === undefined) return '';
  let key = String(path.key);
  for (let at = path.prev; at !== undefined; at = at.prev) key = `${at.key}.${key}`;
  return key;
}

function newTraceNode(operation: TracedOperation, path: ResponsePath): Trace.Node {
  const node = new Trace.Node();
  if (typeof path.key === 'number') node.index = path.key;
  else node.responseName = path.key;
  operation.nodes.set(pathKey(path), node);
  // List items have no resolver of their own: their node is made when a field under them starts.
  const parent = operation.nodes.get(pathKey(path.prev)) ?? newTraceNode(operation, path.prev as ResponsePath);
  parent.child.push(node);
  return node;
}

function recordErrors(operation: TracedOperation, errors: readonly GraphQLError[]): void {
  for (const error of errors) {
    // A federated service's error is already in that service's own trace.
    if (error.extensions?.serviceName) continue;
    const reported = createGraphQLError(error.message, {
      extensions: error.extensions,
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
    });
    let node = operation.rootNode;
    if (Array.isArray(reported.path)) {
      // A non-null field's error may point below the nodes traced: the nearest one above takes it.
      const found = nearestNode(operation.nodes, reported.path);
      if (!found) throw new Error(`Could not find node with path ${reported.path.join('.')}`);
      node = found;
    }
    node.error.push(
      new Trace.Error({
        message: reported.message,
        location: (reported.locations ?? []).map(({ line, column }) => new Trace.Location({ line, column })),
        json: JSON.stringify(reported),
      }),
    );
  }
}

function nearestNode(nodes: Map<string, Trace.Node>, path: readonly (string | number)[]): Trace.Node | undefined {
  for (let i = path.length; i > 0; i--) {
    const node = nodes.get(path.slice(0, i).join('.'));
    if (node) return node;
  }
  return undefined;
}
