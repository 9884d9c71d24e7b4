import { listenErrorMessage } from '../server/listen.ts';

/** Longest wait for open connections (database pool, Redis, S3) to close before exiting anyway. */
const CLOSE_WITHIN_MS = 3000;

/**
 * When `start` or `dev` cannot listen: one line on stderr (no stack), close
 * what the command opened, and answer exit code 1. Should something still
 * hold the event loop after {@link CLOSE_WITHIN_MS}, the process exits anyway:
 * a server that is not listening must not linger.
 */
export async function listenFailure(command: string, error: unknown, where: { host: string; port: number }, cleanup: () => Promise<unknown>): Promise<number> {
  console.error(`strata ${command}: ${listenErrorMessage(error, where.host, where.port)}`);
  process.exitCode = 1;
  setTimeout(() => process.exit(1), CLOSE_WITHIN_MS).unref();
  await cleanup().catch(() => undefined);
  return 1;
}
