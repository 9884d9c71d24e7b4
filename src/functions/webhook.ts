import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../base/config.ts';
import { DeliveryError } from './delivery-error.ts';
import type { TriggerEvent, TriggerHandler } from './define-trigger.ts';

/** A setting given directly or read from the configuration (app code does not read the environment). */
export type Setting = string | ((config: Config) => string | null | undefined);

export interface WebhookOptions {
  /** Where events are POSTed. A trigger whose URL resolves empty is turned off (logged at start-up). */
  url: Setting;
  /** Key of the HMAC-SHA256 signature. */
  secret: Setting;
  /** Extra request headers. @default none */
  headers?: Record<string, string>;
}

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'x-strata-signature';

/** The signature of `body` sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Checks a webhook request's signature header against its raw body (for
 * receivers). Refuses signatures older than `toleranceSeconds` (replays).
 */
export function verifyWebhook(secret: string, header: string | null, body: string, { toleranceSeconds = 300, now = Date.now() } = {}): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1 || Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body).split('v1=')[1], 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A webhook handler with its settings resolved against the configuration. */
export interface ResolvedWebhook {
  url: string | null;
  handler: TriggerHandler;
}

const webhookMark = Symbol.for('strata.webhook');

/**
 * A trigger handler that POSTs each event as JSON to `url`, signed with
 * HMAC-SHA256 ({@link SIGNATURE_HEADER}), with the idempotency key in
 * `idempotency-key`. Any answer but 2xx is a failed attempt (retried).
 */
export function webhook(options: WebhookOptions): TriggerHandler {
  const handler: TriggerHandler = async (event, ctx) => {
    const url = resolve(options.url, ctx.config);
    const secret = resolve(options.secret, ctx.config);
    if (!url || !secret) throw new DeliveryError('webhook URL or secret is not configured');
    await postEvent(url, secret, event, options.headers ?? {}, ctx.signal);
  };
  return Object.assign(handler, { [webhookMark]: options });
}

/** The URL a webhook handler posts to, or undefined when `handler` is not a webhook. */
export function webhookUrl(handler: unknown, config: Config): string | null | undefined {
  const options = (handler as { [webhookMark]?: WebhookOptions })?.[webhookMark];
  return options ? resolve(options.url, config) : undefined;
}

const resolve = (setting: Setting, config: Config): string | null => (typeof setting === 'function' ? setting(config) : setting) || null;

async function postEvent(url: string, secret: string, event: TriggerEvent, headers: Record<string, string>, signal: AbortSignal): Promise<void> {
  const body = JSON.stringify({
    id: event.id,
    trigger: event.trigger,
    model: event.model,
    kind: event.kind,
    key: event.key,
    row: event.row,
    previous: event.previous ?? null,
    attempt: event.attempt,
    createdAt: event.createdAt.toISOString(),
  });
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      signal,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'idempotency-key': event.idempotencyKey,
        'x-strata-event': `${event.model}.${event.kind}`,
        [SIGNATURE_HEADER]: signWebhook(secret, Math.floor(Date.now() / 1000), body),
      },
      body,
    });
  } catch (error) {
    throw new DeliveryError(`webhook request failed: ${(error as Error).name === 'AbortError' ? 'timed out' : (error as Error).message}`);
  }
  await response.body?.cancel().catch(() => {});
  if (!response.ok) throw new DeliveryError(`webhook answered HTTP ${response.status}`);
}
