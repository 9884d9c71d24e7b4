import { normalizeEmail } from '../auth/users/user-accounts.ts';
import type { Config } from '../base/config.ts';
import { createApp } from '../server/create-app.ts';
import { createLogger } from '../server/logger.ts';

/** `strata promote <email>`: gives that user the role ADMIN (admins may do everything). Returns the exit code. */
export async function promoteCommand(config: Config, email: string | undefined): Promise<number> {
  if (!email) {
    console.error('Usage: strata promote <email>');
    return 2;
  }
  const app = await createApp(config, { log: createLogger(config) });
  try {
    const model = config.auth.userModel;
    const delegate = app.db.prisma[`${model[0].toLowerCase()}${model.slice(1)}` as never] as { updateMany(args: object): Promise<{ count: number }> } | undefined;
    if (!app.auth.user || !delegate) {
      console.error(`strata promote: the schema has no user model ${model} that can hold accounts`);
      return 1;
    }
    const { count } = await delegate.updateMany({ where: { email: normalizeEmail(email) ?? email }, data: { role: 'ADMIN' } });
    if (count === 0) {
      console.error(`strata promote: no user with the email ${email}`);
      return 1;
    }
    console.log(`${email} is now an admin (role ADMIN); their next request has full access`);
    return 0;
  } finally {
    await app.close();
  }
}
