import { expect } from 'vitest';
import type { Viewer } from '../../src/base/viewer.ts';
import { createStrataYoga, type StrataYoga } from '../../src/server/create-yoga.ts';
import type { TestApp } from '../support/test-app.ts';

/** The same app answered with the compiled lane on and off, to compare the two byte for byte. */
export interface Lanes {
  /** Runs `query` on both lanes; returns both bodies and whether the lane compiled it (its statements build JSON). */
  run(query: string, variables?: Record<string, unknown>, viewer?: Viewer): Promise<{ compiled: string; general: string; usedLane: boolean }>;
  /** One lane's `status body`. */
  body(lane: 'compiled' | 'general', query: string, variables?: Record<string, unknown>, viewer?: Viewer): Promise<string>;
  /** Asserts identical bodies; returns whether the compiled lane answered. */
  same(query: string, variables?: Record<string, unknown>, viewer?: Viewer): Promise<boolean>;
}

/** A second yoga over the same app, database and schema, with the read engine off. */
export function createLanes(t: TestApp, compiledYoga?: StrataYoga): Lanes {
  const { app } = t;
  const compiled = compiledYoga ?? app.yoga;
  const general: StrataYoga = createStrataYoga({
    config: { ...app.config, readEngine: 'off' },
    schema: app.schema,
    prisma: app.db.prisma,
    log: app.log,
    auth: app.auth,
    realtime: app.realtime,
    functions: app.functions,
    storage: app.storage,
  });
  const body = async (yoga: StrataYoga, query: string, variables?: Record<string, unknown>, viewer?: Viewer) => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) };
    const response = await yoga.fetch(`http://127.0.0.1${app.config.graphqlPath}`, init, viewer ? { viewer } : {});
    return `${response.status} ${await response.text()}`;
  };
  // A compiled statement the database refuses falls back to the general path silently in production: here it fails.
  const warn = app.log.warn.bind(app.log);
  app.log.warn = ((...args: unknown[]) => {
    if (String(args[1] ?? args[0]).includes('compiled read failed')) throw new Error(`compiled read failed: ${String((args[0] as { err?: unknown })?.err)}`);
    return (warn as (...a: unknown[]) => void)(...args);
  }) as typeof app.log.warn;
  const lanes: Lanes = {
    body: (lane, query, variables, viewer) => body(lane === 'compiled' ? compiled : general, query, variables, viewer),
    async run(query, variables, viewer) {
      const from = app.db.statements.log.length;
      const answer = await body(compiled, query, variables, viewer);
      const usedLane = app.db.statements.log.slice(from).some((sql) => sql.endsWith(" AS j"));
      return { compiled: answer, general: await body(general, query, variables, viewer), usedLane };
    },
    async same(query, variables, viewer) {
      const { compiled, general, usedLane } = await lanes.run(query, variables, viewer);
      expect(compiled, query).toBe(general);
      return usedLane;
    },
  };
  return lanes;
}
