import { Readable } from 'node:stream';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { Storage } from '../../storage/create-storage.ts';
import { discardUnkept, type ReceivedMultipart, receiveMultipart } from '../../storage/multipart/receive-multipart.ts';
import { observeFileDeletions } from '../../storage/observe-deletions.ts';

export interface UseUploadsOptions {
  /** The app's storage; null refuses multipart requests (415). Required: pass null explicitly. */
  storage: Storage | null;
  /** The GraphQL endpoint (`config.graphqlPath`). @default /graphql */
  graphqlPath?: string;
  /** Headers proving a preflighted request, the list CSRF prevention uses. Required. */
  preflightHeaders: string[];
}

/** What one request's uploads leave for its response: the staged files, and deletions of objects still running. */
interface UploadState {
  received?: ReceivedMultipart;
  deletions: Promise<void>[];
}

// Per request, on yoga's server context (which the GraphQL context is built on): private to this plugin.
const uploadState = Symbol('strata.uploads');
type WithUploads = { [uploadState]?: UploadState };
const stateOf = (serverContext: object): UploadState => ((serverContext as WithUploads)[uploadState] ??= { deletions: [] });

const isMultipart = (request: Request) => request.method === 'POST' && /^multipart\/form-data\b/i.test(request.headers.get('content-type') ?? '');

/** The request body as a Node stream: the socket itself on Node's server, else the fetch body. */
function bodyOf(request: Request, serverContext: { req?: unknown }): Readable {
  const req = serverContext?.req as Readable | undefined;
  if (req && typeof req.pipe === 'function' && !req.readableEnded) return req;
  return Readable.from((request.body ?? []) as AsyncIterable<Uint8Array>);
}

function errorResponse(fetchAPI: { Response: typeof Response }, error: AppError): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message: error.message, extensions: error.extensions }] }), {
    status: error.status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * GraphQL multipart uploads without buffering: the body is parsed as a
 * stream before yoga's own parser could hold files in memory, each file
 * goes straight to S3 (checked on the way), and yoga gets the operation
 * with the files replaced by staged uploads `uploadFile` understands.
 * Uploads no row kept are deleted before the response leaves. Multipart
 * requests without a preflight header are left to CSRF prevention, which
 * refuses them before a byte is read. Also deletes the objects of file rows
 * a request deleted, and answers after that finished.
 */
export function useUploads({ storage, graphqlPath = '/graphql', preflightHeaders }: UseUploadsOptions): Plugin<Context> {
  return {
    async onRequest({ request, url, serverContext, fetchAPI, setRequest, endResponse }) {
      if (!isMultipart(request) || url.pathname !== graphqlPath) return;
      if (!preflightHeaders.some((name) => request.headers.has(name))) return;
      if (!storage) return endResponse(errorResponse(fetchAPI, new AppError('UNSUPPORTED_MEDIA_TYPE', 'This server accepts no file uploads')));
      const body = bodyOf(request, serverContext as { req?: unknown });
      try {
        const received = await receiveMultipart(storage, body, request.headers.get('content-type')!);
        const headers = new fetchAPI.Headers(request.headers);
        for (const name of ['content-length', 'transfer-encoding']) headers.delete(name);
        const parsed = new fetchAPI.Request(request.url, { method: 'POST', headers, signal: request.signal });
        stateOf(serverContext).received = received;
        setRequest(parsed);
      } catch (error) {
        // Discard the rest of the body so the client can finish sending and read the answer.
        body.resume();
        endResponse(errorResponse(fetchAPI, error instanceof AppError ? error : new AppError('BAD_USER_INPUT', 'Malformed multipart request')));
      }
    },
    onRequestParse({ serverContext, setRequestParser }) {
      const received = (serverContext as WithUploads)[uploadState]?.received;
      if (received) setRequestParser(() => received.operations as never);
    },
    onContextBuilding() {
      if (!storage) return;
      // After every other builder: wrap whichever change sink the context ended up with.
      return ({ context, extendContext }) => {
        // Without HTTP (websockets, in process) no response waits for the deletions.
        const state = context.request ? stateOf(context) : undefined;
        const track = (deletion: Promise<void>) => state?.deletions.push(deletion);
        extendContext({ changes: observeFileDeletions(context.changes, storage, track) });
      };
    },
    async onResponse({ serverContext }) {
      const state = (serverContext as WithUploads)[uploadState];
      if (!state) return;
      if (state.received && storage) await discardUnkept(storage, state.received.uploads);
      await Promise.all(state.deletions);
    },
  };
}
