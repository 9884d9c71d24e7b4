import type { Logger } from 'pino';
import type { Context, PrismaLike } from '../../base/context.ts';
import type { RowWriter } from '../../hooks/row-writer.ts';
import type { ChangeSink } from '../../base/change-event.ts';
import type { Generator } from '../../schema/generator.ts';
import { writeAs } from '../../writes/run-write.ts';
import type { Viewer } from '../../base/viewer.ts';

/**
 * Auth writes on its own authority, like trigger handlers and schedules:
 * hooks see the service viewer, whoever's request started the flow.
 */
const authViewer: Viewer = { kind: 'service' };

/** The pipeline's row writes with every call trusted: rules and field guards are skipped, hooks and events are not. */
function trustedWriter(writer: RowWriter): RowWriter {
  const trusted = { trusted: true };
  return {
    viewer: writer.viewer,
    tx: writer.tx,
    lock: (model, where) => writer.lock(model, where, trusted),
    create: (model, data) => writer.create(model, data, trusted),
    update: (model, where, data) => writer.update(model, where, data, trusted),
    delete: (model, where) => writer.delete(model, where, trusted),
    updateMany: (model, where, data) => writer.updateMany(model, where, data, trusted),
    deleteMany: (model, where) => writer.deleteMany(model, where, trusted),
  };
}

/**
 * Auth's writes of the app's user model, through the write pipeline: every
 * sign-up, OAuth account, verification, password and email change runs the
 * app's hooks, writes trigger outbox rows and publishes change events, as a
 * trusted write (auth sets columns no client may). The pipeline exists only
 * once the schema is built, so createApp attaches it afterwards.
 */
export class AuthWrites {
  private pipeline: { gen: Generator; changes: () => ChangeSink } | null = null;

  constructor(
    private readonly prisma: PrismaLike,
    private readonly log: Logger,
  ) {}

  /** Connects auth to the built schema's write pipeline and the app's change sink. */
  attach(gen: Generator, changes: () => ChangeSink): void {
    this.pipeline = { gen, changes };
  }

  /** Runs `work` in one pipeline transaction; the writer's calls are all trusted. */
  run<T>(work: (writer: RowWriter) => Promise<T>): Promise<T> {
    if (!this.pipeline) throw new Error('Auth writes need the write pipeline: attach it once the schema is built (createApp does)');
    const ctx: Context = { prisma: this.prisma, log: this.log, viewer: authViewer, changes: this.pipeline.changes() };
    return writeAs(this.pipeline.gen, ctx)((writer) => work(trustedWriter(writer)));
  }
}
