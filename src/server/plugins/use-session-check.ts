import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Auth } from '../../auth/create-auth.ts';
import type { Context } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { watchSession } from '../../realtime/session-watch.ts';

const isAsyncIterable = (value: unknown): value is AsyncIterable<ExecutionResult> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * `source`, ended with one UNAUTHENTICATED error once `ended` resolves;
 * `stop` runs when the stream ends, however it ends. A plain iterator, not an
 * async generator: a generator waiting for its next event would hold a
 * client's `return()` until that event came.
 */
function until(source: AsyncIterable<ExecutionResult>, ended: Promise<'ended' | 'changed'>, stop: () => void): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  const finish = async () => {
    if (done) return;
    done = true;
    stop();
    await iterator.return?.();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (done) return { done: true, value: undefined };
      const next = await Promise.race([iterator.next(), ended]);
      if (typeof next !== 'string') {
        if (next.done) await finish();
        return next;
      }
      await finish();
      const message = next === 'ended' ? 'The session ended: sign in again' : 'The session changed: subscribe again';
      return { done: false, value: { errors: [new AppError('UNAUTHENTICATED', message)] } };
    },
    async return() {
      await finish();
      return { done: true, value: undefined };
    },
  };
}

/**
 * Subscriptions over HTTP (SSE) check their viewer's session again every
 * `intervalMs`, as websockets do: once the session ended or the role
 * changed, the stream gets an UNAUTHENTICATED error and ends. Websocket
 * operations are left to their connection's own check.
 */
export function useSessionCheck(auth: Auth, intervalMs: number, log: Logger): Plugin<Context> {
  return {
    onSubscribe({ args }) {
      const ctx = args.contextValue as Context & { socket?: unknown };
      const { viewer, request } = ctx;
      // Websocket operations carry their socket (its connection checks the session); shared ones have no request.
      if (viewer.kind !== 'user' || ctx.socket || !request) return undefined;
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) return;
          let stop = () => {};
          const ended = new Promise<'ended' | 'changed'>((resolve) => {
            stop = watchSession({ viewer, resolve: () => auth.resolveViewer({ headers: request.headers }), intervalMs, onChange: resolve, log });
          });
          setResult(until(result, ended, stop));
        },
      };
    },
  };
}
