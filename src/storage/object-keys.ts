import { randomUUID } from 'node:crypto';

/** Where an object's bytes may be read from: a bucket policy can open `public/` alone. */
export type Visibility = 'private' | 'public';

/** A normalized image transform; it names the variant's key. */
export interface VariantSpec {
  width: number | null;
  height: number | null;
  fit: 'cover' | 'contain' | 'fill' | 'inside' | 'outside';
  format: 'webp' | 'jpeg' | 'png' | 'avif';
}

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * The bucket layout. Keys are made on the server only: `<prefix>files/<uuid>`
 * for private files, `<prefix>public/<uuid>` for public ones, and
 * `<key>@<w>x<h>-<fit>.<format>` for image variants beside their source. No
 * part of a key comes from the client, so no path can be injected.
 */
export class ObjectKeys {
  private readonly pattern: RegExp;

  constructor(readonly prefix: string) {
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.pattern = new RegExp(`^${escaped}(files|public)/${uuid}(@\\d+x\\d+-[a-z]+\\.[a-z]+)?$`);
  }

  /** A fresh key for a new object. */
  create(visibility: Visibility): string {
    return `${this.prefix}${visibility === 'public' ? 'public' : 'files'}/${randomUUID()}`;
  }

  /** The same object name under the other visibility (a staged upload made public). */
  withVisibility(key: string, visibility: Visibility): string {
    const name = key.slice(key.lastIndexOf('/') + 1);
    return `${this.prefix}${visibility === 'public' ? 'public' : 'files'}/${name}`;
  }

  visibility(key: string): Visibility {
    return key.startsWith(`${this.prefix}public/`) ? 'public' : 'private';
  }

  variant(key: string, spec: VariantSpec): string {
    return `${key}@${spec.width ?? 0}x${spec.height ?? 0}-${spec.fit}.${spec.format}`;
  }

  /** Prefix listing every variant of `key`. */
  variantsOf(key: string): string {
    return `${key}@`;
  }

  /** Whether Strata made this key (the sweep never touches anything else in a shared bucket). */
  isOwn(key: string): boolean {
    return this.pattern.test(key);
  }

  /** The source key of a variant key, or the key itself. */
  sourceOf(key: string): string {
    const at = key.indexOf('@');
    return at === -1 ? key : key.slice(0, at);
  }

  /** Prefixes the sweep lists. */
  get roots(): string[] {
    return [`${this.prefix}files/`, `${this.prefix}public/`];
  }
}
