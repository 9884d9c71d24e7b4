import { defineRules, ownedBy, type RuleContext, signedIn } from 'strata-graphql';

const myId = ({ viewer }: RuleContext) => (viewer.kind === 'user' ? viewer.id : undefined);

/**
 * Who may do what. Anything not granted here is denied; admins (role ADMIN,
 * or the admin secret) may do everything. Saved changes apply at once in `strata dev`.
 */
export default defineRules({
  User: {
    read: true,
    update: signedIn((user) => ({ id: user.id })),
    fields: { email: { read: signedIn((user) => ({ id: user.id })) } },
  },
  Todo: {
    read: ownedBy('ownerId'),
    create: 'authenticated',
    update: ownedBy('ownerId'),
    delete: ownedBy('ownerId'),
    preset: { create: { ownerId: myId } },
  },
});
