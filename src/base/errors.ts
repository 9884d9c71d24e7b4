import { GraphQLError } from 'graphql';

/** Stable `extensions.code` values clients may rely on. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

const httpStatus: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/**
 * The one error type Strata shows to clients. Anything that is not an
 * `AppError` (or a GraphQL validation error) is masked as INTERNAL_SERVER_ERROR.
 */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...extra } });
    this.name = 'AppError';
  }

  /** The HTTP status a REST-ish caller would expect for this code. */
  get status(): number {
    return httpStatus[this.code];
  }
}

export const badInput = (message: string, extra?: Record<string, unknown>) =>
  new AppError('BAD_USER_INPUT', message, extra);
export const notFound = (what = 'Record') => new AppError('NOT_FOUND', `${what} not found`);

/** Seconds clients are told to wait (`Retry-After`) when the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** SERVICE_UNAVAILABLE: HTTP 503 with `Retry-After` (yoga reads `extensions.http`, and never sends it). */
export const serviceUnavailable = (retryAfterSeconds = DATABASE_RETRY_AFTER_SECONDS) =>
  new AppError('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable. Try again shortly.', {
    retryAfterSeconds,
    http: { status: 503, headers: { 'retry-after': String(retryAfterSeconds) } },
  });

// Connection-level failures, as Prisma (its codes and its driver adapters' error kinds), PostgreSQL
// (SQLSTATE class 08, shutdown 57P01-57P03, too many connections 53300), pg, and sockets report them.
const outagePrismaCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
const outageKinds = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const outageSqlState = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
const outageSocketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'SQLITE_BUSY']);
const outageMessage = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * Whether an error means the database cannot be reached right now (down,
 * restarting, connections cut, pool exhausted, SQLite busy) rather than a bug:
 * such requests are answered 503 SERVICE_UNAVAILABLE, which clients may retry.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const e = error as { code?: unknown; originalCode?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: { cause?: unknown } } };
  const code = typeof e.code === 'string' ? e.code : typeof e.originalCode === 'string' ? e.originalCode : '';
  if (outagePrismaCodes.has(code) || outageSqlState.test(code) || outageSocketCodes.has(code)) return true;
  if (typeof e.kind === 'string' && outageKinds.has(e.kind)) return true;
  if (typeof e.message === 'string' && outageMessage.test(e.message)) return true;
  return isDatabaseUnavailable(e.meta?.driverAdapterError?.cause, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1);
}

interface PrismaLikeError {
  name: string;
  code?: string;
  meta?: Record<string, unknown>;
}

function isPrismaError(error: unknown): error is PrismaLikeError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { name?: unknown }).name === 'string' &&
    (error as { name: string }).name.startsWith('PrismaClient')
  );
}

/** Unique-violation fields, wherever this Prisma version and adapter put them. */
function conflictFields(meta: Record<string, unknown> | undefined): string[] {
  if (!meta) return [];
  if (Array.isArray(meta.target)) return meta.target.map(String);
  if (typeof meta.target === 'string') return [meta.target];
  const cause = (meta.driverAdapterError as { cause?: { constraint?: { fields?: string[]; index?: string }; table?: string } })?.cause;
  if (cause?.constraint?.fields) return cause.constraint.fields.map((f) => f.replace(/^"|"$/g, ''));
  const index = cause?.constraint?.index;
  if (!index) return [];
  // PostgreSQL names only the index; Prisma's default name is `<Table>_<col>_<col>_key`.
  // (A column whose own name holds `_` is split too; a custom `map:` name is shown as is.)
  const prefix = `${cause.table ?? meta.modelName}_`;
  if (index.startsWith(prefix) && index.endsWith('_key')) return index.slice(prefix.length, -'_key'.length).split('_');
  return [index];
}

// Values the database refused (PostgreSQL SQLSTATE class 22 "data exception" and class 54 "program
// limit exceeded", SQLite's size and complexity limits): the client's input, never a bug. The reasons
// are fixed texts, so no driver message (which may quote SQL or values) reaches the client.
const refusedSqlState: Record<string, string> = {
  '22001': 'a value is too long for its column',
  '22003': 'numeric field overflow',
  '22007': 'invalid date or time',
  '22008': 'date or time out of range',
  '22012': 'division by zero',
  '22021': 'a character the database encoding cannot store',
  '22P02': 'invalid value',
  '22P05': 'a character the database cannot store',
  '54000': 'a value is too large for the database',
  '54001': 'the query is too complex',
  '54023': 'too many arguments',
};
const refusedSqlite: [RegExp, string][] = [
  [/too many SQL variables/i, 'too many values in one statement'],
  [/LIKE or GLOB pattern too complex/i, 'a text pattern is too complex'],
  [/string or blob too big/i, 'a value is too large for the database'],
  [/Expression tree is too large|parser stack overflow|too many terms/i, 'the query is too complex'],
];
const SQLITE_TOOBIG = 18;

/** Why the database refused a value, when a driver error says it did (P2039 and raw driver errors). */
export function databaseRefusal(error: unknown): string | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: unknown } } } | null)?.meta;
  const cause = (meta?.driverAdapterError?.cause ?? error) as { kind?: unknown; code?: unknown; originalCode?: unknown; message?: unknown; extendedCode?: unknown } | null;
  if (!cause || typeof cause !== 'object') return undefined;
  const code = String(cause.originalCode ?? cause.code ?? '');
  if (cause.kind === 'postgres' || /^(22|54)[0-9A-Z]{3}$/.test(code)) {
    return refusedSqlState[code] ?? (code.startsWith('22') ? 'invalid data' : code.startsWith('54') ? 'a limit of the database was exceeded' : undefined);
  }
  if (cause.kind === 'sqlite' || code.startsWith('SQLITE_')) {
    if (cause.extendedCode === SQLITE_TOOBIG || code === 'SQLITE_TOOBIG') return 'a value is too large for the database';
    const message = typeof cause.message === 'string' ? cause.message : '';
    return refusedSqlite.find(([pattern]) => pattern.test(message))?.[1];
  }
  return undefined;
}

const refused = (error: unknown): AppError | undefined => {
  const reason = databaseRefusal(error);
  return reason ? badInput(`A value was refused by the database: ${reason}`) : undefined;
};

/**
 * Maps a Prisma error to an {@link AppError} (and a database outage, from
 * Prisma or the driver, to SERVICE_UNAVAILABLE), or returns `undefined` when the
 * error must stay masked. This is the only place that knows Prisma error codes.
 */
export function fromPrismaError(error: unknown): AppError | undefined {
  if (isDatabaseUnavailable(error)) return serviceUnavailable();
  // The driver's own error, from SQL Strata runs itself.
  if (!isPrismaError(error)) return refused(error);
  const model = typeof error.meta?.modelName === 'string' ? error.meta.modelName : 'Record';
  switch (error.code) {
    case 'P2002': {
      const fields = conflictFields(error.meta);
      const named = fields.length ? ` on ${fields.join(', ')}` : '';
      return new AppError('CONFLICT', `A ${model} with the same value${named} already exists`, { fields });
    }
    case 'P2025':
    case 'P2018':
    case 'P2001':
    case 'P2015':
      return notFound(model);
    case 'P2003':
      return badInput(`A related record referenced by ${model} does not exist`);
    case 'P2014':
      return badInput(`The change would break a required relation of ${model}`);
    case 'P2000':
      return badInput(`A value is too long for its column in ${model}`);
    case 'P2020':
      return badInput(`A value is out of range for its column in ${model}`);
    case 'P2029':
      // SQLite takes at most 999 values per statement: a long `in` list can reach that below STRATA_MAX_INPUT_LIST.
      return badInput('The query has more values than the database accepts in one statement');
    case 'P2033':
      return badInput('A number in the request does not fit in 64 bits');
    case 'P2010': // raw SQL
    case 'P2039': {
      // A database error Prisma has no code of its own for.
      const mapped = refused(error);
      if (mapped) return mapped;
      break;
    }
    case 'P2011':
      return badInput(`A required value of ${model} is missing`);
    case 'P2019':
    case 'P2007':
    case 'P2006':
    case 'P2005':
    case 'P2023':
      return badInput(`Invalid value for ${model}`);
  }
  if (error.name === 'PrismaClientValidationError') {
    return badInput('The arguments do not form a valid request for this operation');
  }
  return undefined;
}

/**
 * Turns any thrown value into what the client may see: AppErrors and mapped
 * Prisma errors pass, database outages become SERVICE_UNAVAILABLE (503),
 * everything else becomes INTERNAL_SERVER_ERROR.
 */
export function toClientError(error: unknown): GraphQLError {
  if (error instanceof AppError) return error;
  const mapped = fromPrismaError(error);
  if (mapped) return mapped;
  return new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
