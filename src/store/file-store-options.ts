/**
 * Options of {@link FileStore.open}, parsed once with zod.
 * @module
 */
import { z } from 'zod';

const isFunction = (v: unknown): boolean => typeof v === 'function';

/** Options of {@link FileStore.open}. */
export const FileStoreOptionsSchema = z.strictObject({
  /** The store's folder (created when missing). */
  dir: z.string().min(1),
  /** fsync the journal (and blob files and folders) before a change resolves. Turn off only for throwaway stores. @defaultValue true */
  fsync: z.boolean().default(true),
  /**
   * Size of a journal log after which it is folded into the record folders (in the background,
   * while changes go on into a new log). Larger: fewer segments written, a longer replay on open.
   * @defaultValue 8 MiB
   */
  compactAfterBytes: z.number().int().min(4096).max(1024 * 1024 * 1024).default(8 * 1024 * 1024),
  /** Clock for the lock file's start time. @defaultValue `() => new Date()` */
  now: z.custom<() => Date>(isFunction, 'expected a function returning a Date').optional(),
});
/** What callers give {@link FileStore.open}. */
export type FileStoreOptions = z.input<typeof FileStoreOptionsSchema>;
/** {@link FileStoreOptions} after defaults. */
export type ResolvedFileStoreOptions = z.output<typeof FileStoreOptionsSchema>;
