import type { Plugin } from 'graphql-yoga';
import type { HttpExchange } from '../../base/context.ts';

/**
 * Gives every request its {@link HttpExchange} on yoga's server context, the
 * one object the plugins' hooks, the context factory and the resolvers of a
 * request all see (yoga builds the GraphQL context on it). First among the
 * plugins that use it; in-process callers may pass their own.
 */
export function useHttpExchange(): Plugin {
  return {
    onRequest({ serverContext }) {
      const server = serverContext as { http?: HttpExchange };
      server.http ??= { cookies: [] };
    },
  };
}
