import type { DmmfEnum, DmmfField, DmmfModel } from '../../base/datamodel.ts';
import type { ManagedFields } from '../../permissions/compile-policy.ts';
import { ADMIN_ROLE } from '../../base/viewer.ts';

/** Where auth reads and writes a user's email, password hash, role and optional fields. */
export interface AuthUserModel {
  /** Model name, e.g. `User`. */
  name: string;
  /** Prisma Client property, e.g. `user`. */
  delegate: string;
  idField: string;
  idType: 'Int' | 'String';
  /** Values of the role enum; sign-up sets `defaultRole`, never ADMIN. */
  roleValues: string[];
  defaultRole: string;
  /** `name String?` when the model has it (set by signUp and OAuth). */
  hasName: boolean;
  /** `emailVerifiedAt DateTime?` when the model has it (email verification). */
  hasEmailVerifiedAt: boolean;
}

/** The outcome of checking a schema's user model. */
export type UserModelCheck =
  | { status: 'absent' }
  | { status: 'incomplete'; problems: string[] }
  | { status: 'ok'; model: AuthUserModel };

interface DatamodelLike {
  models: DmmfModel[];
  enums: DmmfEnum[];
}

const owned = new Set(['email', 'passwordHash', 'role', 'name', 'emailVerifiedAt']);

/**
 * Checks that `name` is an auth-capable user model: `email String @unique`,
 * `passwordHash String?`, an enum `role` containing ADMIN, a single Int or
 * String id, and nothing else sign-up could not fill. Lists every problem.
 */
export function inspectUserModel(datamodel: DatamodelLike, name: string): UserModelCheck {
  const model = datamodel.models.find((m) => m.name === name);
  if (!model) return { status: 'absent' };
  const problems: string[] = [];
  const field = (n: string) => model.fields.find((f) => f.name === n);
  const expect = (n: string, ok: (f: DmmfField) => boolean, wanted: string) => {
    const f = field(n);
    if (!f || !ok(f)) problems.push(`${name}.${n}: expected \`${wanted}\`${f ? `, found ${f.type}${f.isRequired ? '' : '?'}` : ' (missing)'}`);
    return f;
  };
  expect('email', (f) => f.type === 'String' && f.isUnique && !f.isList, 'email String @unique');
  expect('passwordHash', (f) => f.type === 'String' && !f.isRequired && !f.isList, 'passwordHash String?');
  const role = expect('role', (f) => f.kind === 'enum' && !f.isList, `role <Enum with ${ADMIN_ROLE}>`);
  const roleValues = role ? (datamodel.enums.find((e) => e.name === role.type)?.values.map((v) => v.name) ?? []) : [];
  if (role?.kind === 'enum' && !roleValues.includes(ADMIN_ROLE)) problems.push(`${name}.role: enum ${role.type} has no ${ADMIN_ROLE} value`);
  const ids = model.fields.filter((f) => f.isId);
  if (ids.length !== 1 || !['Int', 'String'].includes(ids[0].type)) problems.push(`${name}: expected a single Int or String @id`);
  const nameField = field('name');
  if (nameField && (nameField.type !== 'String' || nameField.isList)) problems.push(`${name}.name: expected \`name String?\``);
  const verified = field('emailVerifiedAt');
  if (verified && (verified.type !== 'DateTime' || verified.isRequired)) problems.push(`${name}.emailVerifiedAt: expected \`emailVerifiedAt DateTime?\``);
  for (const f of model.fields) {
    const fillable = !f.isRequired || f.hasDefaultValue || f.isId || f.isUpdatedAt || f.isList || f.kind === 'object' || owned.has(f.name);
    if (!fillable) problems.push(`${name}.${f.name}: required without a default, so sign-up cannot create users (make it optional or add @default)`);
  }
  if (problems.length) return { status: 'incomplete', problems };
  const declared = (role as DmmfField & { default?: unknown }).default;
  const fallback = roleValues.includes('USER') ? 'USER' : roleValues.find((v) => v !== ADMIN_ROLE);
  const defaultRole = typeof declared === 'string' && declared !== ADMIN_ROLE ? declared : fallback;
  if (!defaultRole) return { status: 'incomplete', problems: [`${name}.role: the enum needs a value other than ${ADMIN_ROLE} for new users`] };
  return {
    status: 'ok',
    model: {
      name,
      delegate: name.charAt(0).toLowerCase() + name.slice(1),
      idField: ids[0].name,
      idType: ids[0].type as 'Int' | 'String',
      roleValues,
      defaultRole,
      hasName: !!nameField,
      hasEmailVerifiedAt: !!verified,
    },
  };
}

/**
 * The user model's columns that auth owns, as the policy guards them: no
 * user sets them through the generic API, whatever the app's rules say.
 * Admins may set `role` (someone has to make admins) and `email` (creating
 * accounts; the generic API cannot tell a create from an update here), never
 * the password hash or the verification mark. Auth writes them itself, as
 * trusted writes through the pipeline.
 */
export function authManagedFields(model: AuthUserModel): ManagedFields {
  return {
    email: 'admin',
    role: 'admin',
    passwordHash: 'never',
    ...(model.hasEmailVerifiedAt ? { emailVerifiedAt: 'never' as const } : {}),
  };
}
