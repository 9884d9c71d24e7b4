import type { ModelPolicy, Policy } from '../../permissions/policy.ts';
import type { Datamodel } from '../../base/datamodel.ts';
import { findFileModel, managedFileFields } from '../file-model.ts';

/**
 * The policy with the file model's managed columns (key, bucket, size,
 * contentType, checksum, status, public, ownerId, createdAt) unwritable for
 * everyone, admins included, whatever the app's rules say: a client that
 * could set `key` could point a row at someone else's object. Strata's own
 * upload paths set them as forced values, which skip field rules.
 */
export function guardFileFields(policy: Policy, datamodel: Datamodel): Policy {
  const file = findFileModel(datamodel);
  if (!file) return policy;
  const managed = new Set<string>(managedFileFields);
  let guarded: ModelPolicy | undefined;
  return (model) => {
    const inner = policy(model);
    if (model !== file.model.name) return inner;
    guarded ??= { ...inner, writeField: (ctx, field) => !managed.has(field) && inner.writeField(ctx, field) };
    return guarded;
  };
}
