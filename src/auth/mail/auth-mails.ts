import type { MailMessage } from './mailer.ts';

const link = (base: string, token: string) => `${base}${base.includes('?') ? '&' : '?'}token=${token}`;

/** The texts of auth mail. Apps replace them by passing their own `AuthMails` to createAuth. */
export interface AuthMails {
  verifyEmail(to: string, url: string, token: string): MailMessage;
  resetPassword(to: string, url: string, token: string): MailMessage;
  /** Someone tried to sign up with an address that already has an account. */
  accountExists(to: string, resetUrl: string): MailMessage;
}

export const defaultAuthMails: AuthMails = {
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
};
