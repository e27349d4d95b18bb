import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { BadUserInputError } from './errors.js';

/**
 * Caps the representations one request passes to `_entities` (all its `_entities` fields
 * together, so aliases do not multiply the cap), and refuses a representation that is not an
 * object with a `__typename` — @apollo/subgraph would throw a plain Error on it, masked as
 * INTERNAL_SERVER_ERROR. Both before any representation is resolved, so before any upstream
 * call: each one may cost a provider call (no provider reads many tickets by id at once).
 */
export function limitEntityRepresentations(schema: GraphQLSchema, max: number): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()['_entities'];
  if (!field) return schema;
  const resolve = field.resolve ?? defaultFieldResolver;
  const counted = new WeakMap<object, number>();
  field.resolve = (source, args: { representations?: unknown }, context: object, info) => {
    const representations = Array.isArray(args.representations) ? args.representations : [];
    const total = (counted.get(context) ?? 0) + representations.length;
    counted.set(context, total);
    if (total > max) {
      throw new BadUserInputError(`_entities takes at most ${max} representations per request (got ${total})`, { argument: 'representations', max });
    }
    representations.forEach((representation: unknown, index) => {
      const typename = representation && typeof representation === 'object' ? (representation as { __typename?: unknown }).__typename : undefined;
      if (typeof typename !== 'string') {
        throw new BadUserInputError(`representations[${index}] must be an object with a __typename`, { argument: 'representations' });
      }
    });
    return resolve(source, args, context, info);
  };
  return schema;
}
