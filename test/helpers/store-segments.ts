import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The segment files of a FileStore record folder, oldest first. */
export async function segmentFiles(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((n) => /^seg-\d{12}\.jsonl$/.test(n)).sort();
}

/** Every line of a record folder's segments, oldest first, parsed. */
export async function segmentLines(folder: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const name of await segmentFiles(folder)) {
    const text = await readFile(join(folder, name), 'utf8');
    for (const line of text.split('\n').slice(0, -1)) out.push(JSON.parse(line) as Record<string, unknown>);
  }
  return out;
}
