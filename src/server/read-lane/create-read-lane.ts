import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DocumentNode, type GraphQLSchema, getOperationAST } from 'graphql';
import type { Logger } from 'pino';
import { ADMIN_SECRET_HEADER } from '../../auth/admin-secret.ts';
import type { Auth } from '../../auth/create-auth.ts';
import { takeQueuedCookies } from '../../auth/http/cookies.ts';
import type { Config } from '../../base/config.ts';
import type { ChangeSink } from '../../base/change-event.ts';
import type { Context, HttpExchange, PrismaLike } from '../../base/context.ts';
import { anonymous, type Viewer } from '../../base/viewer.ts';
import { metrics, operationLabel } from '../../metrics/metrics.ts';
import { isTracing } from '../../metrics/tracing.ts';
import type { ReadEngine } from '../../reads/create-read-engine.ts';
import { createOriginCheck } from '../allowed-origins.ts';
import { limitedBody, type RequestLimits } from '../request-limits.ts';
import { createLaneChecks } from './lane-checks.ts';
import type { LaneDocuments } from './lane-documents.ts';
import { responseMediaType } from './response-media-type.ts';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

export interface ReadLaneOptions {
  config: Config;
  schema: GraphQLSchema;
  engine: ReadEngine;
  /** The query texts yoga's pipeline validated and the compiler answered (filled by useCompiledReads). */
  documents: LaneDocuments;
  prisma: PrismaLike;
  log: Logger;
  changes: ChangeSink;
  /** Authentication; without it every request is anonymous. */
  auth?: Auth;
  /** The API's request limits (shared with useRateLimit), null when off. */
  limits: RequestLimits | null;
}

/** A request's body read whole (its Content-Length is known and within the limit). */
function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)));
    req.once('error', reject);
  });
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

interface Parsed {
  document: DocumentNode;
  query: string;
  operationName: string | null;
  variables: Record<string, unknown>;
}

/** The GraphQL parameters of a JSON body whose query text the lane knows, else null. */
function parseParams(body: Buffer, documents: LaneDocuments): Parsed | null {
  let params: unknown;
  try {
    params = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return null;
  const { query, variables, operationName, extensions } = params as Record<string, unknown>;
  if (typeof query !== 'string') return null;
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  if (operationName != null && typeof operationName !== 'string') return null;
  if (extensions != null && (typeof extensions !== 'object' || Array.isArray(extensions))) return null;
  const document = documents.get(query);
  if (!document) return null;
  return { document, query, operationName: (operationName as string | null | undefined) ?? null, variables: (variables ?? {}) as Record<string, unknown> };
}

/**
 * The read lane, in front of yoga: a GraphQL POST whose query text the
 * pipeline already validated and the compiler answered (see
 * {@link LaneDocuments}) is answered here, with the database's JSON written
 * as the body, skipping yoga's request pipeline and graphql-js. It applies
 * what depends on the request and not on the text, exactly as the plugins
 * do: the rate limits (counted once, also when handed over), the viewer
 * (bearer token or session cookie, renewal cookies included), input limits
 * and cost with these variables, CORS headers, the response media type, the
 * request metric and log line. Anything else — another route or method, a
 * body that is not JSON of known length, an unknown text, the admin secret,
 * tracing on, any refusal or error — goes to yoga (`next`) with the body
 * already read, and is answered there as it always is.
 */
export function createReadLane(options: ReadLaneOptions, next: Listener): Listener {
  const { config, schema, engine, documents, limits } = options;
  const allowedOrigin = createOriginCheck(config.transport.corsOrigins);
  const requestLog = options.log.child({ component: 'request' });
  const maxBytes = config.limits.maxRequestBytes;
  const passes = createLaneChecks(schema, config.limits);

  const handOver = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    // whatwg-node builds the fetch Request from a body already read (as body parsers leave it).
    (req as IncomingMessage & { body?: Buffer }).body = body;
    next(req, res);
  };

  /** Writes a response; a body in parts is written part by part, in one write to the socket (see runPlanText). */
  const send = (req: IncomingMessage, res: ServerResponse, status: number, body: string | string[], headers: Record<string, string | string[]>) => {
    const origin = req.headers.origin;
    const cors = origin && allowedOrigin(origin) ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' } : {};
    const parts = typeof body === 'string' ? [body] : body;
    let length = 0;
    for (const part of parts) length += Buffer.byteLength(part);
    res.writeHead(status, { ...headers, 'content-length': length, vary: 'Origin', ...cors });
    res.cork();
    for (let i = 0; i < parts.length - 1; i++) res.write(parts[i]);
    res.end(parts[parts.length - 1]); // end() uncorks
  };

  const record = (started: number, operation: string | null, status: number, outcome: string, viewer: Viewer['kind'] | null) => {
    const seconds = (performance.now() - started) / 1000;
    metrics.request(operationLabel(operation), 'query', outcome, seconds);
    if (outcome === 'RATE_LIMITED') metrics.rateLimited('graphql');
    if (!requestLog.isLevelEnabled('info')) return;
    const fields = { method: 'POST', path: config.graphqlPath, operation: operation?.slice(0, 100) ?? null, type: 'query', outcome, status };
    requestLog.info({ ...fields, durationMs: Math.round(seconds * 10_000) / 10, viewer }, 'request');
  };

  async function answer(req: IncomingMessage, res: ServerResponse, mediaType: string, length: number): Promise<void> {
    const started = performance.now();
    const peer = req.socket.remoteAddress;
    if (limits && peer) {
      limits.counted.set(req, 'address');
      const wait = await limits.byAddress(peer, header(req, 'x-forwarded-for'));
      if (wait !== null) {
        req.resume();
        send(req, res, 429, limitedBody(wait), { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(wait) });
        return record(started, null, 429, 'RATE_LIMITED', null);
      }
    }
    const body = await readBody(req, length);
    const params = parseParams(body, documents);
    const operation = params && getOperationAST(params.document, params.operationName);
    if (!params || operation?.operation !== 'query') return handOver(req, res, body);
    const http: HttpExchange = { cookies: [] };
    let viewer: Viewer;
    try {
      const headers = { get: (name: string) => header(req, name) ?? null };
      viewer = options.auth ? await options.auth.viewerForRequest({ headers }, { req, http }) : anonymous;
    } catch {
      return handOver(req, res, body);
    }
    if (!passes(params.document, operation, params.variables)) return handOver(req, res, body);
    const ctx: Context = { prisma: options.prisma, log: options.log, viewer, changes: options.changes, http };
    const plans = engine.plan({ schema, document: params.document, operationName: params.operationName, variableValues: params.variables, contextValue: ctx });
    if (!plans) return handOver(req, res, body);
    const name = operation.name?.value ?? params.operationName;
    if (limits && peer && viewer.kind === 'user') {
      limits.counted.set(req, 'user');
      // Over the user's limit: yoga refuses it (counting the user again, who is over already).
      if ((await limits.perUser(viewer)) !== null) {
        limits.counted.set(req, 'address');
        return handOver(req, res, body);
      }
    }
    let text: string[];
    try {
      text = await engine.runText(plans);
    } catch (error) {
      // A statement the database refused is a compiler bug: the general path still answers correctly.
      options.log.warn({ err: error }, 'compiled read failed; answered by the general executor');
      return handOver(req, res, body);
    }
    const cookies = takeQueuedCookies(http);
    send(req, res, 200, text, { 'content-type': `${mediaType}; charset=utf-8`, ...(cookies.length ? { 'set-cookie': cookies } : {}) });
    record(started, name, 200, 'ok', viewer.kind);
  }

  return (req, res) => {
    const length = header(req, 'content-length');
    const type = header(req, 'content-type')?.toLowerCase();
    const mediaType = req.method === 'POST' && req.url === config.graphqlPath ? responseMediaType(header(req, 'accept')) : null;
    const eligible =
      mediaType !== null &&
      (type === 'application/json' || type?.startsWith('application/json;')) &&
      length !== undefined &&
      /^\d{1,9}$/.test(length) &&
      Number(length) > 0 &&
      Number(length) <= maxBytes &&
      req.headers['transfer-encoding'] === undefined &&
      req.headers[ADMIN_SECRET_HEADER] === undefined &&
      !isTracing();
    if (!eligible) return next(req, res);
    answer(req, res, mediaType, Number(length)).catch((error) => {
      options.log.error({ err: error }, 'read lane failed');
      if (!res.headersSent) send(req, res, 500, JSON.stringify({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }), { 'content-type': 'application/json; charset=utf-8' });
    });
  };
}
