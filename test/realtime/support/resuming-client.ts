import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * The client recipe of docs/realtime.md, line for line apart from the test's
 * bookkeeping: keeps a list of posts up to date across reconnects, resumes
 * with the last cursor, and on CURSOR_EXPIRED resubscribes without `after`
 * and refetches. Keep the two in step.
 */
export interface ResumingClient {
  client: Client;
  /** id → title, as the client's cache holds it. */
  cache: Map<number, string>;
  /** Titles in the order changes arrived (duplicates would show here). */
  changes: string[];
  /** How often the client had to refetch (CURSOR_EXPIRED). */
  refetches: number;
  /** Socket closes seen (a crash loop would show here). */
  closes: number;
  /** Errors other than CURSOR_EXPIRED (none expected). */
  failures: unknown[];
  /** Calls `listener` after every change applied or refetch. */
  onUpdate(listener: () => void): void;
  dispose(): Promise<void>;
}

const SUBSCRIPTION = 'subscription ($after: String) { postChanged(after: $after) { kind leaving cursor node { id title } } }';
const REFETCH = '{ posts { id title } }';

/** Starts the recipe against `wsUrl` (refetching over HTTP at `httpUrl`). */
export function startResumingClient(wsUrl: string, httpUrl: string): ResumingClient {
  const listeners: (() => void)[] = [];
  const updated = () => listeners.forEach((listener) => listener());
  const state: ResumingClient = {
    // --- recipe: client settings ---
    client: createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 5_000) * (0.5 + Math.random()))),
      on: { closed: () => void state.closes++ },
    }),
    cache: new Map(),
    changes: [],
    refetches: 0,
    closes: 0,
    failures: [],
    onUpdate: (listener) => void listeners.push(listener),
    dispose: () => state.client.dispose() as Promise<void>,
  };
  // --- recipe: subscription ---
  const payload = { query: SUBSCRIPTION, variables: {} as { after?: string } };
  let pending: { kind: string; leaving: boolean; node: { id: number; title: string } }[] | null = null;
  const apply = (change: { leaving: boolean; kind: string; node: { id: number; title: string } }) => {
    if (change.leaving || change.kind === 'DELETED') state.cache.delete(change.node.id);
    else state.cache.set(change.node.id, change.node.title);
  };
  const subscribe = () =>
    state.client.subscribe<any>(payload, {
      next: ({ data }) => {
        if (!data) return;
        const change = data.postChanged;
        payload.variables.after = change.cursor; // resent by graphql-ws when it reconnects: the gap is replayed
        state.changes.push(change.node.title);
        if (pending) pending.push(change);
        else apply(change);
        updated();
      },
      error: (error) => {
        if (!(Array.isArray(error) && error[0]?.extensions?.reason === 'CURSOR_EXPIRED')) return void state.failures.push(error);
        // Resubscribe from now, refetch, then apply what arrived meanwhile.
        delete payload.variables.after;
        pending = [];
        subscribe();
        void refetch().then(
          (posts) => {
            state.cache = new Map(posts.map((p) => [p.id, p.title]));
            for (const change of pending!) apply(change);
            pending = null;
            state.refetches++;
            updated();
          },
          (failure) => state.failures.push(failure),
        );
      },
      complete: () => {},
    });
  const refetch = async (): Promise<{ id: number; title: string }[]> => {
    const response = await fetch(httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: REFETCH }) });
    return (await response.json()).data.posts;
  };
  subscribe();
  return state;
}
