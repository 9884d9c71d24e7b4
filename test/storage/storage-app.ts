import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Viewer } from '../../src/base/viewer.ts';
import { type Listening, listen } from '../../src/server/listen.ts';
import type { Storage } from '../../src/storage/create-storage.ts';
import { createS3Client } from '../../src/storage/s3-client.ts';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/storage/embedded-s3.ts';
import type { Provider } from '../support/databases.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { type Seeded, seed } from '../permissions/seed.ts';

/** A test app with the example rules, a real s3rver, and a real HTTP port. */
export interface StorageTestApp extends TestApp {
  s3: EmbeddedS3;
  storage: Storage;
  client: S3Client;
  seeded: Seeded;
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The GraphQL endpoint on the HTTP server. */
  endpoint: string;
  /** Every key in the bucket, sorted (listed with the tests' own S3 client). */
  objects(): Promise<string[]>;
  /** Every File row, oldest first. */
  fileRows(): Promise<Record<string, any>[]>;
}

/**
 * Test-only seam: the HTTP server acts as the viewer named in `x-test-viewer`
 * (alice, bob, admin...), so real multipart requests need no sign-in flow.
 */
const VIEWER_HEADER = 'x-test-viewer';

export const viewerHeader = (actor: string) => ({ [VIEWER_HEADER]: actor });

export async function createStorageTestApp(provider: Provider, env: Record<string, string> = {}): Promise<StorageTestApp> {
  const s3 = await startEmbeddedS3();
  const t = await createTestApp(provider, {
    rules: true,
    env: {
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      ...env,
    },
  });
  const storage = t.app.storage;
  if (!storage) throw new Error('the example schema should give the test app a storage');
  const seeded = await seed(t);
  // The tests' own client: a test may break the app's to simulate an S3 outage.
  const client = createS3Client(storage.config);
  const viewers = seeded.viewers as Record<string, Viewer>;
  const server: Listening = await listen((req: IncomingMessage, res) => {
    const actor = req.headers[VIEWER_HEADER];
    const viewer = typeof actor === 'string' ? viewers[actor] : undefined;
    void t.app.yoga(req, res, viewer ? { viewer } : {});
  }, '127.0.0.1', 0);
  const objects = async () => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: storage.bucket, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  };
  return {
    ...t,
    s3,
    storage,
    client,
    seeded,
    url: server.url,
    endpoint: `${server.url}${t.app.config.graphqlPath}`,
    objects,
    fileRows: () => t.prisma.file.findMany({ orderBy: { createdAt: 'asc' } }),
    close: async () => {
      await server.close(1000);
      await t.close();
      await s3.close();
    },
  };
}

export interface MultipartFile {
  /** Field name in the map. */
  field?: string;
  name: string;
  type: string;
  body: Uint8Array | Blob;
}

/**
 * A GraphQL multipart request body (the spec's order: operations, map,
 * files), with one variable per file, as clients such as Apollo's upload link send.
 */
export function multipartForm(query: string, variables: Record<string, unknown>, files: Record<string, MultipartFile>): FormData {
  const form = new FormData();
  const vars: Record<string, unknown> = { ...variables };
  const map: Record<string, string[]> = {};
  let i = 0;
  for (const [variable, file] of Object.entries(files)) {
    const field = file.field ?? String(i++);
    vars[variable] = null;
    map[field] = [`variables.${variable}`];
  }
  form.append('operations', JSON.stringify({ query, variables: vars }));
  form.append('map', JSON.stringify(map));
  i = 0;
  for (const file of Object.values(files)) {
    const field = file.field ?? String(i++);
    const blob = file.body instanceof Blob ? file.body : new Blob([new Uint8Array(file.body)], { type: file.type });
    form.append(field, blob, file.name);
  }
  return form;
}

/** POSTs a multipart form to the app over HTTP, as `actor`, with a CSRF preflight header unless told not to. */
export async function postMultipart(t: StorageTestApp, form: FormData | Blob, actor: string, options: { preflight?: boolean; contentType?: string } = {}) {
  const headers: Record<string, string> = { ...viewerHeader(actor) };
  if (options.preflight !== false) headers['x-graphql-yoga-csrf'] = '1';
  if (options.contentType) headers['content-type'] = options.contentType;
  const response = await fetch(t.endpoint, { method: 'POST', headers, body: form });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = { raw: text };
  }
  return { status: response.status, body: json };
}

/** A valid PNG of `width` x `height` pixels. */
export async function pngBytes(width: number, height: number): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
}

/** A hand-made multipart body (for malformed requests fetch's FormData cannot produce). */
export function rawMultipart(boundary: string, parts: { name: string; filename?: string; type?: string; body: string | Uint8Array }[], options: { close?: boolean } = {}): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.from(part.body));
    chunks.push(Buffer.from('\r\n'));
  }
  if (options.close !== false) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export const UPLOAD = 'mutation($f: Upload!, $public: Boolean) { uploadFile(file: $f, public: $public) { id key size checksum contentType status originalName public url } }';

/** A streamed multipart request carrying one generated text file of `size` bytes; its SHA-256 is known once the stream ends. */
export function streamedUpload(size: number, query = UPLOAD): { body: ReadableStream<Uint8Array>; contentType: string; sha256: () => string } {
  const boundary = `strata-${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query, variables: { f: null } })}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.f"]}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const hash = createHash('sha256');
  const chunk = 1024 * 1024;
  let sent = 0;
  let stage: 'head' | 'body' | 'tail' | 'done' = 'head';
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stage === 'head') {
        controller.enqueue(head);
        stage = 'body';
      } else if (stage === 'body') {
        const n = Math.min(chunk, size - sent);
        // Different bytes in every chunk, so a misplaced or dropped chunk changes the checksum.
        const bytes = Buffer.alloc(n, `chunk ${sent / chunk} of a streamed upload\n`);
        hash.update(bytes);
        sent += n;
        controller.enqueue(bytes);
        if (sent >= size) stage = 'tail';
      } else if (stage === 'tail') {
        controller.enqueue(tail);
        stage = 'done';
      } else controller.close();
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, sha256: () => hash.digest('hex') };
}
