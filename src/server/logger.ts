import pino, { type Logger } from 'pino';
import type { Config } from '../config.ts';

/** Creates the structured logger; secrets in headers are never written. */
export function createLogger(config: Pick<Config, 'logLevel' | 'mode'>): Logger {
  return pino({
    level: config.logLevel,
    base: undefined,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'], censor: '[redacted]' },
  });
}
