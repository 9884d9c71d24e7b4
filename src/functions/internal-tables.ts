import type { SchemaFragment } from '../engine/prepare-schema.ts';
/** Models Strata adds for triggers and schedules; a user schema must not define them itself. */
export const functionTableModels = ['StrataOutbox', 'StrataScheduleRun'] as const;

/**
 * The Prisma fragment appended to every schema: the trigger outbox and the
 * schedule run ledger. Both are `/// @internal` (never part of the API).
 */
export const functionTablesFragment = `
/// @internal Strata triggers: one row per committed change and matching trigger, written in the change's transaction.
/// \`id\` is the idempotency key handed to the handler.
model StrataOutbox {
  id          String    @id
  trigger     String
  model       String
  /// create, update or delete
  kind        String
  /// The change as JSON: model, kind, key, row, previous.
  payload     String
  /// pending, delivered or dead (dead letters stay for admins to inspect and retry).
  status      String    @default("pending")
  attempts    Int       @default(0)
  maxAttempts Int
  /// Not delivered before this time (retry backoff).
  availableAt DateTime
  /// The worker delivering it now, until \`leaseUntil\`; an expired lease is claimed again.
  leaseOwner  String?
  leaseUntil  DateTime?
  lastError   String?
  createdAt   DateTime  @default(now())
  finishedAt  DateTime?

  @@index([status, availableAt])
  @@map("strata_outbox")
}

/// @internal Strata schedules: one row per schedule and tick, inserted by the instance that runs it.
model StrataScheduleRun {
  name       String
  tick       DateTime
  owner      String
  startedAt  DateTime
  finishedAt DateTime?
  error      String?

  @@id([name, tick])
  @@map("strata_schedule_run")
}
`;

/** Appends the trigger outbox and schedule tables to every schema (see docs/custom-logic.md). */
export const functionSchemaFragment: SchemaFragment = {
  label: "Strata's trigger and schedule tables",
  models: functionTableModels,
  text: () => functionTablesFragment,
};
