import type { Readers } from './readers.ts';

/** Subscriptions: pub/sub, websocket limits and replay (see docs/realtime.md). */
export interface RealtimeConfig {
  /** Redis for pub/sub between instances (`REDIS_URL`); null keeps delivery in process. @default null */
  redisUrl: string | null;
  /** Prefix of Strata's Redis keys and channel (`STRATA_REALTIME_REDIS_PREFIX`). @default strata:realtime */
  redisPrefix: string;
  /** Refuse websocket connections without a signed-in viewer, closing 4401 (`STRATA_REALTIME_REQUIRE_AUTH`). @default false */
  requireAuthentication: boolean;
  /** Operations one websocket may run at once; more fail with RATE_LIMITED (`STRATA_WS_MAX_SUBSCRIPTIONS`). @default 100 */
  maxSubscriptionsPerConnection: number;
  /** Time a websocket has to send `connection_init` before it is closed 4408 (`STRATA_WS_INIT_TIMEOUT_MS`). @default 3000 */
  connectionInitTimeoutMs: number;
  /** Largest websocket message accepted; larger ones close the socket 1009 (`STRATA_WS_MAX_PAYLOAD_BYTES`). @default 262144 */
  maxPayloadBytes: number;
  /** How often the session of an open subscription (websocket or SSE) is checked again; see docs/realtime.md (`STRATA_REALTIME_SESSION_CHECK_MS`). @default 60000 */
  sessionCheckMs: number;
  /** Interval of server pings; a socket that misses a pong for as long is terminated, 0 turns pings off (`STRATA_WS_KEEPALIVE_MS`). @default 12000 */
  keepAliveMs: number;
  /** Events one subscription may have waiting for its client (`STRATA_REALTIME_QUEUE_SIZE`). @default 256 */
  queueSize: number;
  /** How long a subscription may stay above `queueSize` (a burst, a replay) before its client counts as too slow and its websocket is closed 1013 (`STRATA_REALTIME_SLOW_GRACE_MS`). @default 5000 */
  slowConsumerGraceMs: number;
  /** Recent events kept to replay to a subscription resumed with `after`; 0 turns replay off (`STRATA_REALTIME_REPLAY_SIZE`). @default 10000 */
  replayBufferSize: number;
  /** Rows per subscription remembered to send `leaving`/`DELETED` for (about 100 bytes each); the oldest is forgotten first (`STRATA_REALTIME_TRACKED_ROWS`). @default 1000 */
  trackedRowsPerSubscription: number;
}

/** The `realtime` section. */
export function readRealtimeConfig({ env, int, bool }: Readers): RealtimeConfig {
  return {
    redisUrl: env.REDIS_URL || null,
    redisPrefix: env.STRATA_REALTIME_REDIS_PREFIX || 'strata:realtime',
    requireAuthentication: bool('STRATA_REALTIME_REQUIRE_AUTH', false),
    maxSubscriptionsPerConnection: int('STRATA_WS_MAX_SUBSCRIPTIONS', 100, 1),
    connectionInitTimeoutMs: int('STRATA_WS_INIT_TIMEOUT_MS', 3000, 1),
    maxPayloadBytes: int('STRATA_WS_MAX_PAYLOAD_BYTES', 262_144, 1024),
    sessionCheckMs: int('STRATA_REALTIME_SESSION_CHECK_MS', 60_000, 100),
    keepAliveMs: int('STRATA_WS_KEEPALIVE_MS', 12_000, 0),
    queueSize: int('STRATA_REALTIME_QUEUE_SIZE', 256, 1),
    slowConsumerGraceMs: int('STRATA_REALTIME_SLOW_GRACE_MS', 5000, 1),
    replayBufferSize: int('STRATA_REALTIME_REPLAY_SIZE', 10_000, 0),
    trackedRowsPerSubscription: int('STRATA_REALTIME_TRACKED_ROWS', 1000, 1),
  };
}
