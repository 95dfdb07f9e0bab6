import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** The segment files of a FileStore record folder, oldest first. */
export async function segmentFiles(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((n) => /^seg-\d{12}\.jsonl$/.test(n)).sort();
}

/** The record lines of one segment (its end line left out), as text. */
export function recordLinesOf(text: string): string[] {
  const lines = text.split('\n').slice(0, -1);
  if (!/^end \d+ [0-9a-f]{8} (all|changes)$/.test(lines.at(-1) ?? '')) throw new Error(`not a segment: ${JSON.stringify(text.slice(-40))}`);
  return lines.slice(0, -1);
}

/** Every record line of a record folder's segments, oldest first, parsed. */
export async function segmentLines(folder: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const name of await segmentFiles(folder)) {
    for (const line of recordLinesOf(await readFile(join(folder, name), 'utf8'))) out.push(JSON.parse(line) as Record<string, unknown>);
  }
  return out;
}

/** Writes a segment by hand, as FileStore writes one: record lines, then the end line. */
export async function writeSegment(path: string, lines: readonly string[], kind: 'all' | 'changes' = 'all'): Promise<void> {
  const body = Buffer.from(lines.map((l) => `${l}\n`).join(''));
  await writeFile(path, Buffer.concat([body, Buffer.from(`end ${lines.length} ${crc32(body).toString(16).padStart(8, '0')} ${kind}\n`)]));
}

/** The index of a blob pack: one entry per blob. */
export async function packIndex(path: string): Promise<{ ref: string; offset: number; size: number; sha256: string }[]> {
  const bytes = await readFile(path);
  const text = bytes.toString('latin1');
  const endLine = text.slice(text.lastIndexOf('\n', text.length - 2) + 1, -1);
  const m = /^end (\d+) (\d+) [0-9a-f]{8}$/.exec(endLine);
  if (!m) throw new Error(`not a blob pack: ${path}`);
  const index = bytes.subarray(Number(m[2]), bytes.length - endLine.length - 1).toString('utf8');
  return index.split('\n').slice(0, -1).map((l) => JSON.parse(l) as { ref: string; offset: number; size: number; sha256: string });
}
