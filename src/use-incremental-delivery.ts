import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

type Payload = { incremental?: readonly { errors?: readonly GraphQLError[] }[] };

/**
 * @defer and @stream (graphql-yoga's plugin), plus the two things it leaves out here:
 * - errors inside `incremental` parts bypass yoga's `maskedErrors` (it masks top-level
 *   `errors` only), so a failing deferred timeline would reach the client as the raw
 *   upstream error, without `code` and with internal detail. They go through the same mask.
 * - a client whose Accept allows no media type for the result (an incremental result to a
 *   JSON-only client) gets yoga's bare 406 with an empty body; it gets a GraphQL error
 *   with a code instead.
 */
export function useIncrementalDelivery(mask: (error: GraphQLError) => GraphQLError): Plugin<Record<string, unknown>> {
  return {
    onPluginInit: ({ addPlugin }) => addPlugin(useDeferStream()),
    onExecute: () => ({
      onExecuteDone: ({ result }) => {
        if (!(Symbol.asyncIterator in result)) return undefined;
        return {
          onNext: ({ result: payload, setResult }) => {
            const parts = (payload as Payload).incremental;
            if (!parts?.some((part) => part.errors?.length)) return;
            setResult({
              ...payload,
              incremental: parts.map((part) => (part.errors ? { ...part, errors: part.errors.map(mask) } : part)),
            } as typeof payload);
          },
        };
      },
    }),
    onResponse: ({ response, setResponse, fetchAPI }) => {
      if (response.status !== 406 || response.headers.get('content-type')) return;
      const acceptable = (response.headers.get('accept') ?? '')
        .split(/;\s*charset=utf-8,\s*/)
        .filter(Boolean)
        .join(', ');
      setResponse(
        new fetchAPI.Response(
          JSON.stringify({
            errors: [
              {
                message: `The request's Accept header allows no media type for this result (acceptable: ${acceptable}); @defer and @stream need multipart/mixed or text/event-stream`,
                extensions: { code: 'NOT_ACCEPTABLE' },
              },
            ],
          }),
          { status: 406, headers: { 'content-type': 'application/json; charset=utf-8', accept: response.headers.get('accept') ?? '' } },
        ),
      );
    },
  };
}
