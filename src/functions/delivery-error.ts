/**
 * A delivery failure Strata describes itself (a webhook's status, a
 * timeout): its message is kept on the outbox row for admins. A handler's
 * own errors are logged in full, and only AppError messages are kept.
 */
export class DeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryError';
  }
}
