import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForLine } from '../support/wait-for-line.ts';

const bin = path.resolve('bin/strata.js');
const adminSecret = 'a-test-admin-secret-that-is-long-enough';

/** A user's own schema: any model marked `/// @file` with the fields docs/files.md lists. */
const schema = `datasource db {
  provider = "sqlite"
}

enum UploadState {
  PENDING
  ACTIVE
}

/// @file
model Attachment {
  id           Int         @id @default(autoincrement())
  key          String      @unique
  bucket       String
  size         Int
  contentType  String
  checksum     String?
  originalName String
  status       UploadState @default(PENDING)
  public       Boolean     @default(false)
  createdAt    DateTime    @default(now())
}
`;


describe('strata dev with a file model', () => {
  let dir: string;
  let cacheDir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'strata-dev-storage-'));
    writeFileSync(path.join(dir, 'schema.prisma'), schema);
    // Inside the project, so the generated client resolves @prisma/client from its node_modules.
    mkdirSync(path.resolve('.strata'), { recursive: true });
    cacheDir = mkdtempSync(path.resolve('.strata', 'test-dev-storage-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('starts an embedded S3 with no setup and serves uploads from it', async () => {
    const child = spawn(process.execPath, [bin, 'dev', '--schema', path.join(dir, 'schema.prisma'), '--port', '0'], {
      env: {
        ...process.env,
        DATABASE_URL: `file:${path.join(dir, 'dev.db')}`,
        STRATA_CACHE_DIR: cacheDir,
        LOG_LEVEL: 'silent',
        STRATA_ADMIN_SECRET: adminSecret,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const storageLine = waitForLine(child, /embedded S3 \(s3rver, development only\) at (http:\/\/127\.0\.0\.1:\d+), bucket (\S+), objects in (\S+)/);
      const [, url] = await waitForLine(child, /GraphiQL: (http:\/\/127\.0\.0\.1:\d+\/graphql)/);
      const [, , bucket, objects] = await storageLine;
      expect(objects).toBe(path.join(cacheDir, 'storage'));

      const form = new FormData();
      const query = 'mutation($f: Upload!) { uploadFile(file: $f) { id key size url } }';
      form.append('operations', JSON.stringify({ query, variables: { f: null } }));
      form.append('map', JSON.stringify({ 0: ['variables.f'] }));
      form.append('0', new Blob(['hello from strata dev\n'], { type: 'text/plain' }), 'hello.txt');
      const res = await fetch(url, { method: 'POST', headers: { 'x-strata-admin-secret': adminSecret, 'x-graphql-yoga-csrf': '1' }, body: form });
      const file = (await res.json()).data.uploadFile;
      expect(file.size).toBe(22);
      expect(await (await fetch(file.url)).text()).toBe('hello from strata dev\n');
      expect(existsSync(path.join(objects, bucket))).toBe(true);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
