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
  /** fsync files and folders before a change resolves. Turn off only for throwaway stores. @defaultValue true */
  fsync: z.boolean().default(true),
  /** Clock for the lock file's start time. @defaultValue `() => new Date()` */
  now: z.custom<() => Date>(isFunction, 'expected a function returning a Date').optional(),
});
/** What callers give {@link FileStore.open}. */
export type FileStoreOptions = z.input<typeof FileStoreOptionsSchema>;
/** {@link FileStoreOptions} after defaults. */
export type ResolvedFileStoreOptions = z.output<typeof FileStoreOptionsSchema>;
