/**
 * Claiming folder drops: a drop is taken by renaming its trigger file (`NAME.json`, or the
 * `NAME.ready` marker) into a claim folder under the agent's state, after a journal entry
 * (`.claim.json`) was written there; its files follow, and the journal records each phase.
 * A crash at any point leaves either the drop untouched in `outbox/` or a claim folder whose
 * journal says how to go on.
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { IoError } from '../errors.js';
import { isMissing, moveDurable, syncDir, writeFileDurable } from './durable-fs.js';

/** The journal of one claim. */
export interface ClaimJournal {
  readonly claimId: string;
  /** The drop's name (`NAME` of `NAME.json`). */
  readonly name: string;
  /** The connector outbox id the drop is sent under (fixed at claim time: sending twice queues once). */
  readonly outboxId: string;
  /** ISO 8601 UTC. */
  readonly claimedAt: string;
  /** `claiming`: files may still be in `outbox/`; `claimed`: all here; `queued`: in the connector's outbox. */
  readonly phase: 'claiming' | 'claimed' | 'queued';
  readonly documentId?: string;
  readonly queuedAt?: string;
}

/** A drop ready to be claimed. */
export interface DropCandidate {
  readonly name: string;
  /** The file whose rename claims it. */
  readonly trigger: 'json' | 'ready';
}

const JOURNAL = '.claim.json';

/** Names a claim's files: the JSON, the marker, the result and error reports. */
export function dropFileNames(name: string): { json: string; ready: string; result: string; error: string } {
  return { json: `${name}.json`, ready: `${name}.ready`, result: `${name}.result.json`, error: `${name}.error.json` };
}

/** The claim folders under `processingDir` and the moves between the hand-off folders. */
export class DropClaims {
  readonly #outbox: string;
  readonly #processing: string;
  readonly #now: () => Date;

  constructor(outbox: string, processing: string, now: () => Date) {
    this.#outbox = outbox;
    this.#processing = processing;
    this.#now = now;
  }

  /**
   * Complete drops in `outbox/`: `NAME.ready` in either mode; in `json-last` mode also a
   * `NAME.json` that parses, or that stopped changing `settleMs` ago (it is claimed and fails).
   */
  async candidates(mode: 'json-last' | 'ready-marker', settleMs: number): Promise<DropCandidate[]> {
    const names = (await readdir(this.#outbox).catch((e: unknown) => (isMissing(e) ? [] : Promise.reject(e)))).filter((n) => !n.startsWith('.')).sort();
    const present = new Set(names);
    const out: DropCandidate[] = [];
    for (const n of names) {
      if (n.endsWith('.ready')) {
        out.push({ name: n.slice(0, -'.ready'.length), trigger: 'ready' });
        continue;
      }
      if (mode !== 'json-last' || !n.endsWith('.json') || n.length <= 5) continue;
      const name = n.slice(0, -'.json'.length);
      if (present.has(`${name}.ready`)) continue;
      if (await this.#settled(join(this.#outbox, n), settleMs)) out.push({ name, trigger: 'json' });
    }
    return out;
  }

  async #settled(file: string, settleMs: number): Promise<boolean> {
    try {
      const [info, text] = await Promise.all([stat(file), readFile(file, 'utf8')]);
      if (!info.isFile()) return false;
      try {
        JSON.parse(text);
        return true;
      } catch {
        return this.#now().getTime() - info.mtimeMs >= settleMs;
      }
    } catch {
      return false;
    }
  }

  /** Claims a drop; undefined when another claimer renamed it first. */
  async claim(candidate: DropCandidate): Promise<ClaimJournal | undefined> {
    const at = this.#now();
    const claimId = `${at.getTime().toString(36)}-${randomBytes(5).toString('hex')}`;
    const journal: ClaimJournal = { claimId, name: candidate.name, outboxId: `drop-${claimId}`, claimedAt: at.toISOString(), phase: 'claiming' };
    const dir = this.dirOf(claimId);
    await mkdir(dir, { recursive: true });
    await writeFileDurable(join(dir, JOURNAL), JSON.stringify(journal, null, 2));
    await syncDir(this.#processing);
    const files = dropFileNames(candidate.name);
    const trigger = candidate.trigger === 'ready' ? files.ready : files.json;
    try {
      await moveDurable(join(this.#outbox, trigger), join(dir, trigger));
    } catch (e) {
      if (!isMissing(e)) throw e;
      await rm(dir, { recursive: true, force: true });
      return undefined;
    }
    return journal;
  }

  /** Claim folders present (claims of an earlier run, or under way). */
  async list(): Promise<string[]> {
    return (await readdir(this.#processing).catch((e: unknown) => (isMissing(e) ? [] : Promise.reject(e)))).filter((n) => !n.startsWith('.')).sort();
  }

  /** A claim's journal; undefined when the folder holds none (a claim that never started: removed). */
  async read(claimId: string): Promise<ClaimJournal | undefined> {
    const dir = this.dirOf(claimId);
    // temporary files of journal writes a crash interrupted
    for (const n of await readdir(dir).catch(() => [])) if (n.startsWith('.') && n.endsWith('.tmp')) await rm(join(dir, n), { force: true });
    try {
      return JSON.parse(await readFile(join(dir, JOURNAL), 'utf8')) as ClaimJournal;
    } catch (e) {
      if (!isMissing(e) && !(e instanceof SyntaxError)) throw e;
      // the journal is written durably before anything moves: without it nothing was taken
      await rm(dir, { recursive: true, force: true });
      return undefined;
    }
  }

  /** Records the next phase. */
  async update(journal: ClaimJournal, patch: Partial<ClaimJournal>): Promise<ClaimJournal> {
    const next = { ...journal, ...patch };
    await writeFileDurable(join(this.dirOf(journal.claimId), JOURNAL), JSON.stringify(next, null, 2));
    return next;
  }

  /**
   * Brings the JSON (after a `.ready` claim) into the claim folder; false when the claim
   * holds neither the JSON nor a trigger (a claim interrupted before its rename: dropped).
   */
  async takeJson(journal: ClaimJournal): Promise<boolean> {
    const dir = this.dirOf(journal.claimId);
    const f = dropFileNames(journal.name);
    if (await exists(join(dir, f.json))) return true;
    const hasReady = await exists(join(dir, f.ready));
    if (!hasReady) {
      // interrupted between the journal and the trigger's rename: take it now, if still there
      try {
        await moveDurable(join(this.#outbox, f.json), join(dir, f.json));
        return true;
      } catch (e) {
        if (!isMissing(e)) throw e;
        await rm(dir, { recursive: true, force: true });
        return false;
      }
    }
    try {
      await moveDurable(join(this.#outbox, f.json), join(dir, f.json));
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
    return true;
  }

  /** Moves the drop's files from `outbox/` (those still there); returns the ones found nowhere. */
  async takeFiles(journal: ClaimJournal, files: readonly string[]): Promise<string[]> {
    const dir = this.dirOf(journal.claimId);
    const f = dropFileNames(journal.name);
    if (journal.phase === 'claiming') {
      // a marker left behind by a json-last claim goes along
      await moveDurable(join(this.#outbox, f.ready), join(dir, f.ready)).catch((e: unknown) => (isMissing(e) ? undefined : Promise.reject(e)));
    }
    const missing: string[] = [];
    for (const file of files) {
      const target = join(dir, file);
      if (await exists(target)) continue;
      await mkdir(dirname(target), { recursive: true });
      try {
        await moveDurable(join(this.#outbox, file), target);
      } catch (e) {
        if (!isMissing(e)) throw e;
        missing.push(file);
      }
    }
    return missing;
  }

  /** Writes `NAME.result.json` or `NAME.error.json` into the claim. */
  async writeReport(journal: ClaimJournal, kind: 'result' | 'error', report: unknown): Promise<void> {
    const f = dropFileNames(journal.name);
    await writeFileDurable(join(this.dirOf(journal.claimId), kind === 'result' ? f.result : f.error), JSON.stringify(report, null, 2) + '\n');
  }

  /** Which report the claim holds, if any (a claim finished but not yet moved). */
  async reportOf(journal: ClaimJournal): Promise<'result' | 'error' | undefined> {
    const f = dropFileNames(journal.name);
    const dir = this.dirOf(journal.claimId);
    if (await exists(join(dir, f.result))) return 'result';
    if (await exists(join(dir, f.error))) return 'error';
    return undefined;
  }

  /** Moves the claim folder to `<target>/NAME` (or `NAME.<claimId>` when taken); returns the folder. */
  async finish(journal: ClaimJournal, target: string): Promise<string> {
    await mkdir(target, { recursive: true });
    for (const name of [journal.name, `${journal.name}.${journal.claimId}`]) {
      const to = join(target, name);
      try {
        await moveDurable(this.dirOf(journal.claimId), to);
        return to;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY' && code !== 'EISDIR' && code !== 'ENOTDIR') throw e;
      }
    }
    throw new IoError(target, `cannot move the claim ${journal.claimId} to ${target}: both names are taken`);
  }

  /** The claim's folder. */
  dirOf(claimId: string): string {
    return join(this.#processing, claimId);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}
