import { GraphQLError } from 'graphql';

/**
 * Ends a resolver with a GraphQL error. A `code` is answered as `extensions.code`; without one the error
 * has no extensions at all, as the GraphQL route leaves empty ones out.
 */
export function fail(message: string, code?: string): never {
  throw code ? new GraphQLError(message, { extensions: { code } }) : new GraphQLError(message);
}
