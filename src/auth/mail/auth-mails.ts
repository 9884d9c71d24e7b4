import type { MailMessage } from './mailer.ts';

const link = (base: string, token: string) => `${base}${base.includes('?') ? '&' : '?'}token=${token}`;

/** The texts of auth mail. Apps replace them by passing their own `AuthMails` to createAuth. */
export interface AuthMails {
  verifyEmail(to: string, url: string, token: string): MailMessage;
  resetPassword(to: string, url: string, token: string): MailMessage;
  /** Someone tried to sign up with an address that already has an account. */
  accountExists(to: string, resetUrl: string): MailMessage;
  /** The link that confirms a new address (sent to the new address). @default {@link defaultAuthMails} */
  confirmEmailChange?(to: string, url: string, token: string): MailMessage;
  /** The notice that a change to `newEmail` was asked for (sent to the current address). @default {@link defaultAuthMails} */
  emailChangeRequested?(to: string, newEmail: string): MailMessage;
}

export const defaultAuthMails: Required<AuthMails> = {
  verifyEmail: (to, url, token) => ({
    to,
    subject: 'Confirm your email address',
    text: `Confirm your email address by opening this link within 24 hours:\n\n${link(url, token)}\n\nIf you did not sign up, ignore this message.`,
  }),
  resetPassword: (to, url, token) => ({
    to,
    subject: 'Reset your password',
    text: `Choose a new password by opening this link within an hour:\n\n${link(url, token)}\n\nIf you did not ask for it, ignore this message: your password stays as it is.`,
  }),
  accountExists: (to, resetUrl) => ({
    to,
    subject: 'You already have an account',
    text: `Someone (maybe you) tried to sign up with this address, which already has an account.\n\nSign in instead, or reset your password from ${resetUrl}.\n\nIf it was not you, ignore this message.`,
  }),
  confirmEmailChange: (to, url, token) => ({
    to,
    subject: 'Confirm your new email address',
    text: `Make this your account's email address by opening this link within 24 hours:\n\n${link(url, token)}\n\nUntil then the account keeps its current address. If you did not ask for it, ignore this message.`,
  }),
  emailChangeRequested: (to, newEmail) => ({
    to,
    subject: 'Your email address is about to change',
    text: `Someone signed in to your account asked to change its email address to ${newEmail}. Nothing changes until that address confirms it.\n\nIf it was not you, change your password and sign out of every session now.`,
  }),
};
