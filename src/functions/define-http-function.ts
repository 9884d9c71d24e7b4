import type { Logger } from 'pino';
import type { Viewer } from '../base/viewer.ts';
import type { Config } from '../base/config.ts';
import type { Context, PrismaLike } from '../base/context.ts';
import type { AppPrismaTypes } from '../hooks/app-types.ts';
import type { ModelTypes, WriteFn } from '../hooks/row-writer.ts';
import type { Access } from '../permissions/shield.ts';
import { brand } from './brand.ts';

/** What an HTTP function receives besides the request: the same context as resolvers. */
export interface HttpFunctionContext<T extends ModelTypes = AppPrismaTypes> {
  request: Request;
  url: URL;
  /** The path after `/functions/<name>`, e.g. `/42` for `/functions/posts/42`. */
  subpath: string;
  viewer: Viewer;
  /** The Prisma client (no rules: check what the viewer may see yourself, or write through `write`). */
  prisma: PrismaLike;
  /** Writes as the viewer through the pipeline: rules, hooks, events and triggers apply. */
  write: WriteFn<T>;
  log: Logger;
  config: Config;
  /** The app's file storage, when the storage module is configured. */
  storage?: unknown;
  /** The GraphQL context of this request (for helpers that take one). */
  context: Context;
}

export interface HttpFunctionOptions<T extends ModelTypes> {
  /** The route segment: `/functions/<name>`. @default the export's name */
  name?: string;
  /** Accepted methods; others get 405. @default ['GET', 'POST'] */
  methods?: string[];
  /** Who may call it (required, like `extensions.access` of root fields). */
  access: Access;
  /**
   * Answers the request: return a `Response`, or any JSON value (sent with
   * status 200; `undefined` sends 204). Throw an AppError for a client
   * error; anything else is logged and answered 500 without its message.
   */
  handler: (request: Request, ctx: HttpFunctionContext<T>) => unknown;
}

/** An HTTP function as the loader sees it. */
export interface HttpFunction {
  name?: string;
  methods?: string[];
  access: Access;
  handler: (request: Request, ctx: HttpFunctionContext<any>) => unknown;
}

/** An HTTP endpoint at `/functions/<name>` with the API's viewer, database and write pipeline. */
export function defineHttpFunction<T extends ModelTypes = AppPrismaTypes>(options: HttpFunctionOptions<T>) {
  return brand('http', { ...options } as HttpFunction);
}
