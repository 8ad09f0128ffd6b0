import { GraphQLError } from 'graphql';

/** Ends a resolver with a GraphQL error; a `code` is answered as `extensions.code`, and without one there are no extensions. */
export function fail(message: string, code?: string): never {
  throw code ? new GraphQLError(message, { extensions: { code } }) : new GraphQLError(message);
}
