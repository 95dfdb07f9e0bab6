/**
 * Packages just read by the receive loop, kept briefly so that their hand-over does not read
 * and parse them again. Bounded by count, and only small packages are kept.
 * @internal
 * @module
 */
import type { ParsedEdxml } from '../edxml/model.js';

/** Packages larger than this are read again at hand-over instead of being kept. */
const MAX_KEPT_BYTES = 1024 * 1024;

/** Parsed packages by inbox id, oldest dropped first. */
export class RecentPackages {
  readonly #max: number;
  readonly #entries = new Map<string, ParsedEdxml>();

  constructor(max: number) {
    this.#max = max;
  }

  /** Keeps the package of `inboxId` (when it is at most 1 MiB). */
  remember(inboxId: string, message: ParsedEdxml, size: number): void {
    if (size > MAX_KEPT_BYTES) return;
    this.#entries.delete(inboxId);
    this.#entries.set(inboxId, message);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#max) break;
      this.#entries.delete(oldest);
    }
  }

  /** The kept package of `inboxId`, forgotten as it is given. */
  take(inboxId: string): ParsedEdxml | undefined {
    const message = this.#entries.get(inboxId);
    this.#entries.delete(inboxId);
    return message;
  }
}
