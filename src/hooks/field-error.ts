import { AppError } from '../base/errors.ts';

/**
 * The error a hook throws to reject a value: BAD_USER_INPUT with the field
 * in `extensions.field`, so clients can show the message next to it.
 */
export function fieldError(field: string, message: string): AppError {
  return new AppError('BAD_USER_INPUT', message, { field });
}
