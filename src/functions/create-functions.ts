import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { anonymous, type Viewer } from '../base/viewer.ts';
import type { Config } from '../base/config.ts';
import type { Context, PrismaLike } from '../base/context.ts';
import { createWriteHooks, type WriteHooks } from '../hooks/write-hooks.ts';
import type { WriteFn } from '../hooks/row-writer.ts';
import { nullSink, type ChangeSink } from '../base/change-event.ts';
import type { Datamodel } from '../base/datamodel.ts';
import type { Generator } from '../schema/generator.ts';
import type { SchemaExtension } from '../schema/schema-extension.ts';
import { writeAs } from '../writes/run-write.ts';
import { type Clock, systemClock } from '../base/clock.ts';
import { defineDeadLetterSchema } from './dead-letter-schema.ts';
import type { Trigger } from './define-trigger.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker.ts';
import { useHttpFunctions } from './http/use-http-functions.ts';
import { useRest } from './http/use-rest.ts';
import { type AppLogic, loadAppLogic } from './load-app-logic.ts';
import { OutboxStore } from './outbox-store.ts';
import { createResolverKit } from './resolver-kit.ts';
import { Scheduler, type SchedulerOptions } from './scheduler.ts';
import { type SystemContext, systemViewer } from './system-context.ts';
import { webhookUrl } from './webhook.ts';

/** An app's custom logic at run time: what the pipeline, the schema, yoga and the CLI plug in. */
export interface Functions {
  logic: AppLogic;
  /** Triggers in effect (webhooks without a URL are left out). */
  triggers: ReadonlyMap<string, Trigger>;
  /** Called by the write pipeline (hooks, outbox). */
  hooks: WriteHooks;
  /** Adds custom resolvers and the dead-letter admin fields to the generated schema (`buildSchema({ extensions })`). */
  extension: SchemaExtension;
  /** Yoga plugins: `/functions/<name>` and, when enabled, REST under `/rest`. */
  plugins(): Plugin[];
  /** The outbox table's operations (admin tools, tests). */
  outbox: OutboxStore;
  /** A delivery worker on this app (started by {@link startBackground}; tests drive one with `pollOnce`). */
  createWorker(options?: Partial<Omit<DeliveryWorkerOptions, 'store' | 'triggers' | 'context' | 'log'>>): DeliveryWorker;
  /** A scheduler on this app (started by {@link startBackground}; tests drive one with `tick`). */
  createScheduler(options?: Partial<Omit<SchedulerOptions, 'prisma' | 'schedules' | 'context' | 'log'>>): Scheduler;
  /** Writes through the pipeline as the system viewer (scripts, tests). */
  systemWrite: WriteFn;
  /** Starts the delivery worker and the scheduler when `config.functions.worker` (what `strata start`/`dev` call). */
  startBackground(): void;
  /** Stops everything this runtime started, letting running handlers finish. */
  stop(): Promise<void>;
}

export interface CreateFunctionsOptions {
  config: Config;
  logic: AppLogic;
  prisma: PrismaLike;
  log: Logger;
  /** The app's change sink (subscriptions see writes made by functions too). @default changes are dropped */
  changes?: ChangeSink;
  /** The viewer of an HTTP request (the auth module's resolution). @default anonymous */
  viewerFor?: (request: Request, serverContext: Record<string, unknown>) => Promise<Viewer>;
  /** Services handed to HTTP functions when present (e.g. storage). */
  services?: { storage?: unknown };
  /** Time stamped on outbox rows. @default the system clock */
  clock?: Clock;
}

/** Builds the custom-logic runtime of an app from its loaded logic. */
export function createFunctions(options: CreateFunctionsOptions): Functions {
  const { config, logic, prisma, log } = options;
  const clock = options.clock ?? systemClock;
  const triggers = new Map<string, Trigger>();
  for (const trigger of logic.triggers) {
    if (webhookUrl(trigger.handler, config) === null) {
      log.info({ trigger: trigger.name }, 'trigger is off: its webhook URL is not configured');
      continue;
    }
    triggers.set(trigger.name, trigger);
  }
  const workers = new Set<DeliveryWorker>();
  const schedulers = new Set<Scheduler>();
  const outbox = new OutboxStore(prisma);
  const hooks = createWriteHooks({
    hooks: logic.hooks,
    targets: [...triggers.entries()].map(([name, t]) => ({ name, model: t.model, on: t.on, where: t.where, maxAttempts: t.maxAttempts ?? 5 })),
    now: () => clock.now(),
    onOutbox: () => workers.forEach((w) => w.nudge()),
  });
  let gen: Generator | undefined;
  const generator = () => {
    if (!gen) throw new Error('The schema is not built yet: functions run once createApp finished');
    return gen;
  };
  const contextFor = (viewer: Viewer, request?: Request): Context => ({ prisma, log, viewer, changes: options.changes ?? nullSink, ...(request ? { request } : {}) });
  const systemWrite: WriteFn = (work) => writeAs(generator(), contextFor(systemViewer))(work);
  const systemContext = (): Omit<SystemContext<any>, 'signal'> => ({ prisma, log, config, write: systemWrite as WriteFn<any> });

  return {
    logic,
    triggers,
    hooks,
    outbox,
    systemWrite,
    extension: {
      name: 'functions',
      define(built) {
        gen = built;
        defineLogicSchema(built, logic, () => outbox, () => clock.now());
      },
    },
    plugins() {
      const http = useHttpFunctions({
        functions: logic.http,
        viewer: options.viewerFor ?? (async () => anonymous),
        context: (viewer, request) => {
          const context = contextFor(viewer, request);
          return { viewer, prisma, log, config, context, write: writeAs(generator(), context) as WriteFn<any>, storage: options.services?.storage };
        },
        log,
      });
      return [http, ...(config.functions.rest ? useRest({ docs: config.mode !== 'production' }) : [])];
    },
    createWorker(overrides = {}) {
      const { workerConcurrency: concurrency, workerPollMs: pollMs, leaseMs, retentionMs } = config.functions;
      const worker = new DeliveryWorker({ concurrency, pollMs, leaseMs, retentionMs, ...overrides, store: outbox, triggers, context: systemContext, log });
      workers.add(worker);
      return worker;
    },
    createScheduler(overrides = {}) {
      const scheduler = new Scheduler({ retentionMs: config.functions.retentionMs, ...overrides, prisma, schedules: logic.schedules, context: systemContext, log });
      schedulers.add(scheduler);
      return scheduler;
    },
    startBackground() {
      if (!config.functions.worker) return;
      if (triggers.size) this.createWorker().start();
      if (logic.schedules.length) this.createScheduler().start();
    },
    async stop() {
      await Promise.all([...workers].map((w) => w.stop()));
      await Promise.all([...schedulers].map((s) => s.stop()));
      workers.clear();
      schedulers.clear();
    },
  };
}

/** Custom resolvers and, with triggers, the dead-letter admin fields. */
function defineLogicSchema(gen: Generator, logic: AppLogic, store: (ctx: Context) => OutboxStore, now: () => Date): void {
  const kit = createResolverKit(gen);
  for (const resolvers of logic.resolvers) resolvers.define(gen.builder, kit);
  if (logic.triggers.length) defineDeadLetterSchema(gen, store, now);
}

/** The schema additions of an app's logic alone: printing the SDL needs no database (resolvers find theirs in the context). */
export async function schemaExtension(config: Config, datamodel: Datamodel): Promise<SchemaExtension> {
  const logic = await loadAppLogic(config, datamodel);
  return { name: 'functions', define: (gen) => defineLogicSchema(gen, logic, (ctx) => new OutboxStore(ctx.prisma), () => systemClock.now()) };
}
