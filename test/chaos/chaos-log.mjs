// What the applications of the chaos run record: append-only logs of JSON lines, each line
// written with O_APPEND and fsynced before the call returns (so a SIGKILL right after cannot
// lose it), read back tolerating a torn last line.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

/** Appends one JSON line durably. */
export function appendRecord(path, record) {
  const fd = openSync(path, 'a');
  try {
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Every complete JSON line of a log (none when it does not exist). */
export function readRecords(path) {
  if (!existsSync(path)) return [];
  const out = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // a line torn by a kill in the middle of write(): never acknowledged, so not counted
    }
  }
  return out;
}

/** A small seeded generator (mulberry32): the same schedule for the same seed. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
