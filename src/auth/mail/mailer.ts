/** One outgoing message. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Where auth mail goes: the development outbox, SMTP, or anything with `send`. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close?(): Promise<void>;
}
