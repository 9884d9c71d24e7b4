import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../base/errors.ts';
import { SNIFF_BYTES, sniffContentType } from './content-types.ts';

export interface InspectOptions {
  /** Bytes allowed; one more fails the stream with PAYLOAD_TOO_LARGE. */
  maxBytes: number;
  /** The type the client claimed (only used for text types, which have no magic numbers). @default none */
  declared?: string | null;
  allowlist: string[];
}

/** What an inspected stream turned out to hold. */
export interface Inspection {
  size: number;
  /** SHA-256, lower-case hex. */
  checksum: string;
  contentType: string;
}

/**
 * A pass-through that checks a file while it streams: it holds back the first
 * bytes until their type is decided (so nothing of a refused file reaches the
 * store), counts bytes against the limit, and hashes everything with SHA-256.
 * Memory stays at one sniff window plus the stream buffers, whatever the size.
 */
export class InspectStream extends Transform {
  /** Resolves with the decided type once the first bytes (or the whole short file) arrived. */
  readonly contentType: Promise<string>;
  private decide!: (type: string) => void;
  private refuse!: (error: unknown) => void;
  private readonly hash: Hash = createHash('sha256');
  private head: Buffer[] = [];
  private headLength = 0;
  private decided: string | null = null;
  private bytes = 0;
  private digest: string | null = null;

  constructor(private readonly options: InspectOptions) {
    super();
    this.contentType = new Promise((resolve, reject) => {
      this.decide = resolve;
      this.refuse = reject;
    });
    // Whoever awaits the stream sees the error; the promise must not also be reported as unhandled.
    this.contentType.catch(() => {});
  }

  /** Size, checksum and type; valid after the stream ended. */
  get result(): Inspection {
    if (this.decided === null || this.digest === null) throw new Error('InspectStream has not finished');
    return { size: this.bytes, checksum: this.digest, contentType: this.decided };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.options.maxBytes) {
      done(new AppError('PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${this.options.maxBytes} bytes`, { maxBytes: this.options.maxBytes }));
      return;
    }
    this.hash.update(chunk);
    if (this.decided !== null) {
      done(null, chunk);
      return;
    }
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < SNIFF_BYTES) {
      done();
      return;
    }
    this.release(false, done);
  }

  override _flush(done: TransformCallback): void {
    const finish: TransformCallback = (error, data) => {
      if (!error) this.digest = this.hash.digest('hex');
      done(error, data);
    };
    if (this.decided !== null) finish();
    else this.release(true, finish);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    if (this.decided === null) this.refuse(error ?? new Error('stream closed before its type was known'));
    done(error);
  }

  private release(complete: boolean, done: TransformCallback): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    sniffContentType({ head: head.subarray(0, SNIFF_BYTES), complete, declared: this.options.declared, allowlist: this.options.allowlist }).then(
      (type) => {
        this.decided = type;
        this.decide(type);
        done(null, head);
      },
      (error) => {
        this.refuse(error);
        done(error);
      },
    );
  }
}
