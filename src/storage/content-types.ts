import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../base/errors.ts';

/** Bytes read from the start of a file to recognise its type (file-type's detection window). */
export const SNIFF_BYTES = 4100;

/** Types without magic numbers: accepted on the client's word only when the bytes are text. */
const textTypes = new Set(['text/plain', 'text/csv', 'application/json', 'text/markdown']);

/** Images sharp can transform. */
export const imageTypes = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/tiff']);

/** `image/png; charset=x` → `image/png`. */
export function baseType(type: string | undefined | null): string {
  return (type ?? '').split(';')[0].trim().toLowerCase();
}

/** Whether `type` is on the allowlist (entries may be `image/*`). */
export function isAllowedType(type: string, allowlist: string[]): boolean {
  const base = baseType(type);
  return allowlist.some((entry) => entry === base || (entry.endsWith('/*') && base.startsWith(entry.slice(0, -1))));
}

/** Valid UTF-8 without NUL bytes (a cut multi-byte character at the end of a sample is fine). */
function looksLikeText(sample: Uint8Array, complete: boolean): boolean {
  if (sample.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

export interface SniffInput {
  /** The first {@link SNIFF_BYTES} bytes (fewer if the file is shorter). */
  head: Uint8Array;
  /** Whether `head` is the whole file. */
  complete: boolean;
  /** What the client said the type is. */
  declared?: string | null;
  allowlist: string[];
}

/**
 * The media type of a file, decided by its bytes: a recognised binary type
 * wins over the client's claim; a file with no magic numbers is accepted as
 * its declared text type only if its bytes are text. Anything not on the
 * allowlist is UNSUPPORTED_MEDIA_TYPE.
 */
export async function sniffContentType({ head, complete, declared, allowlist }: SniffInput): Promise<string> {
  const detected = (await fileTypeFromBuffer(head))?.mime;
  const claimed = baseType(declared);
  let type: string | undefined;
  if (detected) type = detected;
  else if (textTypes.has(claimed) && looksLikeText(head, complete)) type = claimed;
  if (!type) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The file's type could not be recognised from its content${claimed ? ` (it was sent as ${claimed})` : ''}`, {
      allowedTypes: allowlist,
    });
  }
  if (!isAllowedType(type, allowlist)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Files of type ${type} are not accepted`, { contentType: type, allowedTypes: allowlist });
  }
  return type;
}

/** How a browser should show a download: images, PDFs and text inline, the rest as an attachment. */
export function contentDisposition(type: string, name: string): string {
  const inline = imageTypes.has(type) || type === 'application/pdf' || type === 'text/plain';
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** A client's file name made safe to store and show: no path, no control characters, at most 255 characters. */
export function cleanFileName(name: string | undefined | null): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return cleaned || 'file';
}
