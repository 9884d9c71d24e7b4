import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from '../base/config.ts';

/**
 * Paths pino censors: credentials in request headers (session cookie, bearer
 * token, admin secret), in graphql-ws connection params, and in operation
 * variables of the auth mutations.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-strata-admin-secret"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-strata-admin-secret"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-strata-admin-secret"]',
  'connectionParams',
  '*.connectionParams',
  'adminSecret',
  '*.adminSecret',
  '*.password',
  '*.newPassword',
  '*.passwordHash',
  '*.token',
  'variables.password',
  'variables.newPassword',
  'variables.token',
  'variables.current',
  'variables.next',
];

/**
 * Creates the structured logger; secrets are never written. Tests pass a
 * `destination` to read what would have been logged.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'mode'>, destination?: DestinationStream): Logger {
  const options = { level: config.logLevel, base: undefined, redact: { paths: redactPaths, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
