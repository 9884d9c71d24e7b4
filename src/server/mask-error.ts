import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { AppError, databaseRefusal, toClientError } from '../base/errors.ts';

/**
 * Decides what a client sees of an error. GraphQL's own errors (syntax,
 * validation, bad variables) and AppErrors pass; mapped Prisma errors become
 * their AppError; anything else is logged here and masked.
 */
export function createMaskError(log: Logger) {
  return (error: unknown): Error => {
    if (!(error instanceof GraphQLError)) return toClientError(error);
    const original = error.originalError;
    if (!original || original instanceof AppError) {
      if (!original && !error.extensions?.code && !error.path) {
        // Errors raised while parsing the request or its variables: the client's input was wrong.
        return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } });
      }
      return error;
    }
    if (original instanceof GraphQLError && !(original instanceof AppError) && !error.path) {
      // A scalar or input coercion failure wrapped by graphql-js: keep graphql's message.
      return new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT' } });
    }
    const client = toClientError(original);
    if (client.extensions.code === 'INTERNAL_SERVER_ERROR') log.error({ err: original, path: error.path }, 'unexpected error');
    // The client's input, not a fault of the server: worth seeing, not worth an alert.
    else if (databaseRefusal(original)) log.warn({ err: original, path: error.path }, `database refused a value: ${databaseRefusal(original)}`);
    return new GraphQLError(client.message, { nodes: error.nodes, path: error.path, extensions: client.extensions });
  };
}
