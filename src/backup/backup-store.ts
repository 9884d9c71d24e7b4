import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type BackupKind, backupExtension } from './snapshot-database.ts';

/** What is known about a good backup; written last, so only complete backups have one. */
export interface BackupManifest {
  format: 1;
  /** e.g. `2026-12-04T03-00-00Z-9f2c` (sorts by time). */
  name: string;
  kind: BackupKind;
  /** Key of the data object. */
  key: string;
  size: number;
  /** Hex SHA-256 of the data object. */
  sha256: string;
  /** ISO time the snapshot was taken. */
  createdAt: string;
}

const NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(-\d{3})?Z-[0-9a-f]{4,16}$/;

/** True for a string shaped like a backup name (nothing else is ever turned into a key). */
export function isBackupName(value: string): boolean {
  return NAME.test(value);
}

/**
 * Backups in an S3 bucket under one prefix: `<prefix><name>.<ext>` holds the
 * data and `<prefix><name>.json` its manifest. The manifest is written only
 * after the data object is complete, and listing reads manifests only, so a
 * backup interrupted at any point (even by kill -9) is never listed as good.
 */
export class BackupStore {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
  ) {}

  /** Uploads the data file, then (after `beforeManifest`) its manifest. */
  async put(manifest: Omit<BackupManifest, 'key' | 'format'>, file: string, beforeManifest?: () => unknown): Promise<BackupManifest> {
    const key = `${this.prefix}${manifest.name}${backupExtension[manifest.kind]}`;
    const upload = new Upload({ client: this.client, params: { Bucket: this.bucket, Key: key, Body: createReadStream(file), ContentType: 'application/octet-stream' }, queueSize: 2 });
    await upload.done();
    await beforeManifest?.();
    const complete: BackupManifest = { format: 1, ...manifest, key };
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${manifest.name}.json`, Body: JSON.stringify(complete), ContentType: 'application/json' }),
    );
    return complete;
  }

  /** Every key under the prefix with its time (bounded: 100 pages of 1000). */
  private async keys(): Promise<{ key: string; modified: Date }[]> {
    const keys: { key: string; modified: Date }[] = [];
    let token: string | undefined;
    for (let page = 0; page < 100; page += 1) {
      const listed = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }));
      for (const object of listed.Contents ?? []) if (object.Key) keys.push({ key: object.Key, modified: object.LastModified ?? new Date(0) });
      token = listed.NextContinuationToken;
      if (!listed.IsTruncated || !token) break;
    }
    return keys;
  }

  /** Good backups, oldest first. */
  async list(): Promise<BackupManifest[]> {
    const names = (await this.keys()).map(({ key }) => key.slice(this.prefix.length)).filter((rest) => rest.endsWith('.json') && isBackupName(rest.slice(0, -5))).map((rest) => rest.slice(0, -5));
    const manifests = await Promise.all(names.map((name) => this.manifest(name)));
    return manifests.filter((m): m is BackupManifest => m !== null).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The manifest of `name`, or null when there is no good backup of that name. */
  async manifest(name: string): Promise<BackupManifest | null> {
    if (!isBackupName(name)) return null;
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${name}.json` }));
      const parsed = JSON.parse(await object.Body!.transformToString()) as BackupManifest;
      return parsed.format === 1 && parsed.name === name && parsed.key.startsWith(this.prefix) ? parsed : null;
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  /** Downloads a backup's data object to `file`. */
  async download(manifest: BackupManifest, file: string): Promise<void> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: manifest.key }));
    await pipeline(object.Body as Readable, createWriteStream(file));
  }

  /** Deletes backups: the manifest first, so a half-deleted backup is no longer listed. */
  async delete(manifests: BackupManifest[]): Promise<void> {
    if (manifests.length === 0) return;
    const objects = (keys: string[]) => ({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } });
    await this.client.send(new DeleteObjectsCommand(objects(manifests.map((m) => `${this.prefix}${m.name}.json`))));
    await this.client.send(new DeleteObjectsCommand(objects(manifests.map((m) => m.key))));
  }

  /**
   * Keeps the newest `keep` good backups and deletes the rest; returns the
   * deleted ones. Data objects of interrupted backups (no manifest) are
   * deleted once older than `orphanGraceMs`, so a backup still being
   * written elsewhere is left alone.
   */
  async prune(keep: number, { now = new Date(), orphanGraceMs = 86_400_000 } = {}): Promise<BackupManifest[]> {
    const all = await this.list();
    const old = all.slice(0, Math.max(0, all.length - keep));
    await this.delete(old);
    const good = new Set(all.map((m) => m.key));
    const orphans = (await this.keys()).filter(({ key, modified }) => !key.endsWith('.json') && !good.has(key) && now.getTime() - modified.getTime() > orphanGraceMs).map(({ key }) => key).slice(0, 1000);
    if (orphans.length) await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: orphans.map((Key) => ({ Key })), Quiet: true } }));
    return old;
  }
}
