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

/**
 * Maps a Prisma error to an {@link AppError}, or returns `undefined` when the
 * error must stay masked. This is the only place that knows Prisma error codes.
 */
export function fromPrismaError(error: unknown): AppError | undefined {
  if (!isPrismaError(error)) return undefined;
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
 * Prisma errors pass, everything else becomes INTERNAL_SERVER_ERROR.
 */
export function toClientError(error: unknown): GraphQLError {
  if (error instanceof AppError) return error;
  const mapped = fromPrismaError(error);
  if (mapped) return mapped;
  return new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
