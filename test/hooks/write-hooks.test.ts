import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/base/errors.ts';
import { createWriteHooks, HookError } from '../../src/hooks/write-hooks.ts';

/** A logger that keeps what it logs. */
function memoryLog() {
  const lines: Record<string, any>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

const base = { viewer: { kind: 'anonymous' as const }, tx: {} as never, writer: {} as never };

describe('write hooks', () => {
  it('logs a throwing after-hook under its name, without throwing, and still runs the next one', async () => {
    const ran: string[] = [];
    const hooks = createWriteHooks({
      targets: [],
      hooks: {
        Post: {
          afterCreate: () => {
            throw new AppError('CONFLICT', 'even an AppError stays in the log');
          },
        },
        Tag: { afterCreate: ({ row }: any) => void ran.push(row.name) },
      },
    });
    const { log, lines } = memoryLog();
    await hooks.afterCommit({
      changes: [
        { model: 'Post', kind: 'CREATED', key: { id: 1 }, row: { id: 1 } },
        { model: 'Tag', kind: 'CREATED', key: { id: 2 }, row: { id: 2, name: 'next' } },
      ],
      outboxRows: 0,
      viewer: { kind: 'anonymous' },
      prisma: {} as never,
      write: (() => {}) as never,
      log,
    });
    expect(ran).toEqual(['next']);
    expect(lines).toEqual([expect.objectContaining({ level: 50, hook: 'Post.afterCreate', msg: 'after-hook failed; the write stays committed' })]);
  });

  it('wakes the delivery worker after a commit that wrote outbox rows', async () => {
    let woken = 0;
    const hooks = createWriteHooks({ hooks: {}, targets: [], onOutbox: () => void (woken += 1) });
    const args = { changes: [], viewer: { kind: 'anonymous' as const }, prisma: {} as never, write: (() => {}) as never, log: memoryLog().log };
    await hooks.afterCommit({ ...args, outboxRows: 0 });
    await hooks.afterCommit({ ...args, outboxRows: 2 });
    expect(woken).toBe(1);
  });

  it('passes AppErrors and Prisma errors of before-hooks as they are, and wraps anything else to be masked', async () => {
    const prismaError = Object.assign(new Error('Unique constraint failed'), { name: 'PrismaClientKnownRequestError', code: 'P2002', meta: {} });
    const failWith = (error: unknown) =>
      createWriteHooks({
        targets: [],
        hooks: {
          Post: {
            beforeCreate: () => {
              throw error;
            },
          },
        },
      }).before({ ...base, model: 'Post', operation: 'create', data: {}, log: memoryLog().log });
    const appError = new AppError('BAD_USER_INPUT', 'no', { field: 'title' });
    await expect(failWith(appError)).rejects.toBe(appError);
    await expect(failWith(prismaError)).rejects.toBe(prismaError);
    const wrapped = await failWith(new Error('internal detail')).catch((e) => e);
    expect(wrapped).toBeInstanceOf(HookError);
    expect(wrapped).toMatchObject({ hook: 'Post.beforeCreate', message: 'Post.beforeCreate hook failed: internal detail' });
  });

  it('refuses a before-hook that returns something other than the data', async () => {
    const hooks = createWriteHooks({ targets: [], hooks: { Post: { beforeUpdate: () => 'oops' as never } } });
    const error = await hooks.before({ ...base, model: 'Post', operation: 'update', data: {}, existing: {}, log: memoryLog().log }).catch((e) => e);
    expect(error).toBeInstanceOf(HookError);
  });

  it('knows which models have before-hooks, so batch updates keep one statement otherwise', () => {
    const hooks = createWriteHooks({ targets: [], hooks: { Post: { validate: () => {} }, Tag: { beforeDelete: () => {} } } });
    expect([hooks.hasBefore('Post', 'update'), hooks.hasBefore('Post', 'delete'), hooks.hasBefore('Tag', 'delete'), hooks.hasBefore('User', 'create')]).toEqual([true, false, true, false]);
  });
});
