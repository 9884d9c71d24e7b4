import { defineTrigger, webhook } from 'strata-graphql';

/**
 * POSTs every newly published post to `APP_PUBLISH_WEBHOOK_URL`, signed
 * with `APP_WEBHOOK_SECRET` (header `x-strata-signature`). Off while the URL
 * is not set.
 */
export const postPublished = defineTrigger({
  model: 'Post',
  on: ['update'],
  where: ({ row, previous }) => row.published === true && previous?.published === false,
  handler: webhook({
    url: (config) => config.functions.appEnv.APP_PUBLISH_WEBHOOK_URL,
    secret: (config) => config.functions.appEnv.APP_WEBHOOK_SECRET,
  }),
  maxAttempts: 8,
  backoff: { initialMs: 5_000, factor: 3, maxMs: 3_600_000 },
});

/**
 * Greets every new user. A mail provider would get `event.idempotencyKey`
 * as its idempotency key, so a redelivered event sends no second mail.
 */
export const welcomeUser = defineTrigger({
  model: 'User',
  on: ['create'],
  handler: async (event, { log }) => {
    log.info({ to: event.row.email, idempotencyKey: event.idempotencyKey }, 'welcome mail queued');
  },
});
