import { AppError, type ErrorCode } from '../../base/errors.ts';

/** The HTTP status of an error code, as AppError defines it (500 for unknown codes). */
export function statusOf(code: unknown): number {
  try {
    return new AppError(code as ErrorCode, '').status ?? 500;
  } catch {
    return 500;
  }
}

/** An error answer in the GraphQL shape (`{ errors: [{ message, extensions: { code } }] }`), so REST and GraphQL clients parse one format. */
export function errorResponse(error: AppError | { code: string; message: string }, headers: Record<string, string> = {}): Response {
  const code = error instanceof AppError ? error.code : error.code;
  const extensions = error instanceof AppError ? error.extensions : { code };
  return Response.json({ errors: [{ message: error.message, extensions }] }, { status: statusOf(code), headers });
}
