/**
 * Strata's public API, imported by app code as `strata-graphql`:
 * rules (`app/rules.ts`), hooks (`app/hooks.ts`), custom functions
 * (`app/functions/*.ts`) and the seed (`prisma/seed.ts`).
 */
export { defineRules, hasRole, ownedBy, signedIn } from './permissions/define-rules.ts';
export type { FieldRules, ModelRules, Preset, Rule, RuleContext, Rules } from './permissions/define-rules.ts';
export { defineHooks } from './hooks/define-hooks.ts';
export type { AppTypes } from './hooks/app-types.ts';
export type { AfterHookArgs, BeforeHookArgs, HookOperation, Hooks, ModelHooks } from './hooks/define-hooks.ts';
export { fieldError } from './hooks/field-error.ts';
export { AppError } from './base/errors.ts';
export { assertStorableValues } from './base/check-input-values.ts';
export { defineResolvers } from './functions/define-resolvers.ts';
export type { AppBuilder, ResolverKit, Resolvers } from './functions/define-resolvers.ts';
export { defineTrigger } from './functions/define-trigger.ts';
export type { Trigger, TriggerEvent, TriggerHandler } from './functions/define-trigger.ts';
export { defineSchedule } from './functions/define-schedule.ts';
export type { Schedule } from './functions/define-schedule.ts';
export { defineHttpFunction } from './functions/define-http-function.ts';
export type { HttpFunction, HttpFunctionContext } from './functions/define-http-function.ts';
export { signWebhook, verifyWebhook, webhook } from './functions/webhook.ts';
export { defineSeed } from './cli/define-seed.ts';
export type { Seed, SeedContext } from './cli/define-seed.ts';
export { defineSync } from './sync/define-sync.ts';
export type { ConflictContext, ConflictRule, ModelSync, SyncRules } from './sync/define-sync.ts';
