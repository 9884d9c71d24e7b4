import type { ChangeSink } from '../base/change-event.ts';
import type { Storage } from './create-storage.ts';
import { deleteFileObjects } from './delete-file-objects.ts';
import { deleteVersionsOf } from './file-versions.ts';

/**
 * Wraps a change sink so that every committed deletion of a file row also
 * deletes its object and variants, and its versions — whatever path deleted the row
 * (`deleteFile`, `deleteManyFiles`, nested deletes, hooks). The row is gone
 * first, so a failing S3 leaves an object without a row (logged; the orphan
 * sweep removes it), never a row without its object. `track` receives each
 * deletion so the response can wait for it. The wrapper inherits from the
 * original sink, so everything else about it (the realtime service) stays.
 */
export function observeFileDeletions(sink: ChangeSink, storage: Storage, track: (deletion: Promise<void>) => void): ChangeSink {
  const model = storage.file.model.name;
  const wrapped = Object.create(sink) as ChangeSink;
  Object.defineProperty(wrapped, 'publish', {
    value: (events: Parameters<ChangeSink['publish']>[0]) => {
      sink.publish(events);
      for (const event of events) {
        if (event.model !== model || event.kind !== 'DELETED' || typeof event.row.key !== 'string') continue;
        const key = event.row.key;
        track(
          deleteFileObjects(storage, key).catch((error) =>
            storage.log.warn({ err: error, key }, 'file row deleted but its object could not be; the orphan sweep will delete it'),
          ),
        );
        const fileId = event.row[storage.file.id.name];
        track(
          deleteVersionsOf(storage, [fileId])
            .then(() => undefined)
            .catch((error) => storage.log.warn({ err: error, fileId }, 'file row deleted but its versions could not be; the storage sweep will delete them')),
        );
      }
    },
  });
  return wrapped;
}
