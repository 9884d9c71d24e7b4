/**
 * Thrown while compiling when a read uses something the compiler does not
 * cover (a scalar it cannot encode, an argument shape, a custom field). The
 * read is then declined and the general executor answers it.
 */
export class Unsupported extends Error {
  constructor(what: string) {
    super(`read compiler: ${what} is not compiled`);
  }
}

/** Declines the current read. */
export function unsupported(what: string): never {
  throw new Unsupported(what);
}
