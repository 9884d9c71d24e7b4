import { defineSchedule } from 'strata-graphql';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * Every Monday at 03:00 UTC, drafts untouched for a year are archived —
 * through the write pipeline, so hooks, subscriptions and triggers see it.
 * Runs once per tick however many instances run.
 */
export const archiveStaleDrafts = defineSchedule({
  cron: '0 3 * * 1',
  run: async ({ write, tick, log }) => {
    const archived = await write((w) => w.updateMany('Post', { status: 'DRAFT', updatedAt: { lt: new Date(tick.getTime() - YEAR_MS) } }, { status: 'ARCHIVED' }));
    log.info({ archived }, 'stale drafts archived');
  },
});
