import type { Context } from '../base/context.ts';
import { AppError } from '../base/errors.ts';
import type { Generator } from '../schema/generator.ts';
import type { OutboxRecord, OutboxStore } from './outbox-store.ts';

/**
 * Admin-only fields over the trigger outbox's dead letters: list them
 * (`strataDeadLetters`), put one back in the queue (`strataRetryDeadLetter`) or
 * delete it for good (`strataDiscardDeadLetter`).
 */
export function defineDeadLetterSchema(gen: Generator, store: (ctx: Context) => OutboxStore, now: () => Date): void {
  const { builder } = gen;
  const deadLetter = builder.objectRef('StrataDeadLetter').implement({
    description: 'A trigger event whose every delivery attempt failed. Visible to admins only.',
    fields: (t: any) => ({
      id: t.exposeString('id', { description: 'The event id, also its idempotency key.' }),
      trigger: t.exposeString('trigger'),
      model: t.exposeString('model'),
      kind: t.exposeString('kind', { description: 'create, update or delete' }),
      attempts: t.exposeInt('attempts'),
      lastError: t.exposeString('lastError', { nullable: true, description: "Strata's description of the last failure, or the handler's AppError message." }),
      change: t.field({ type: 'JSON', description: 'The change as the handler received it (key, row, previous).', resolve: (row: OutboxRecord) => JSON.parse(row.payload) }),
      createdAt: t.field({ type: 'DateTime', resolve: (row: OutboxRecord) => row.createdAt }),
      failedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row: OutboxRecord) => row.finishedAt }),
    }),
  });
  builder.queryField('strataDeadLetters', (t: any) =>
    t.field({
      type: [deadLetter],
      description: 'Dead-lettered trigger events, newest first (admins only).',
      extensions: { access: 'admin' },
      args: { trigger: t.arg.string(), take: t.arg.int(), skip: t.arg.int() },
      resolve: (_root: unknown, args: { trigger?: string | null; take?: number | null; skip?: number | null }, ctx: Context) => {
        const take = args.take ?? 50;
        if (take < 0 || take > gen.limits.maxTake || (args.skip ?? 0) < 0) throw new AppError('BAD_USER_INPUT', `take must be 0..${gen.limits.maxTake} and skip not negative`);
        return store(ctx).deadLetters({ trigger: args.trigger, take, skip: args.skip ?? 0 });
      },
    }),
  );
  builder.mutationField('strataRetryDeadLetter', (t: any) =>
    t.field({
      type: deadLetter,
      description: 'Queues a dead-lettered event for delivery again, with a fresh attempt budget (admins only).',
      extensions: { access: 'admin' },
      args: { id: t.arg.string({ required: true }) },
      resolve: async (_root: unknown, args: { id: string }, ctx: Context) => {
        const row = await store(ctx).requeue(args.id, now());
        if (!row) throw new AppError('NOT_FOUND', 'Dead letter not found');
        return row;
      },
    }),
  );
  builder.mutationField('strataDiscardDeadLetter', (t: any) =>
    t.field({
      type: deadLetter,
      description: 'Deletes a dead-lettered event for good; returns it as it was (admins only).',
      extensions: { access: 'admin' },
      args: { id: t.arg.string({ required: true }) },
      resolve: async (_root: unknown, args: { id: string }, ctx: Context) => {
        const row = await store(ctx).discard(args.id);
        if (!row) throw new AppError('NOT_FOUND', 'Dead letter not found');
        return row;
      },
    }),
  );
}
