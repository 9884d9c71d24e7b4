import type { Logger } from 'pino';
import type { MailMessage, Mailer } from './mailer.ts';

/**
 * Keeps mail in memory instead of sending it (no SMTP_URL): tests read
 * `messages`, and in development each message is printed to the log so the
 * links can be clicked. In production only the fact that nothing was sent is
 * logged, never the content (it holds live tokens).
 */
export class DevOutbox implements Mailer {
  readonly messages: MailMessage[] = [];

  constructor(
    private readonly log?: Logger,
    private readonly printContent = true,
    private readonly keep = 200,
  ) {}

  async send(message: MailMessage): Promise<void> {
    this.messages.push(message);
    if (this.messages.length > this.keep) this.messages.shift();
    if (this.printContent) this.log?.info({ mail: message }, `mail to ${message.to} (dev outbox, not sent): ${message.subject}\n${message.text}`);
    else this.log?.warn({ subject: message.subject }, 'mail not sent: set SMTP_URL to deliver auth mail');
  }

  /** The last message sent to `to`, if any. */
  last(to: string): MailMessage | undefined {
    return this.messages.findLast((m) => m.to === to);
  }
}
