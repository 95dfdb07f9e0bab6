/**
 * Writes a body of indirect objects and the cross-reference section that indexes them, as a
 * classic xref table or as a cross-reference stream (optionally with an object stream for
 * non-stream objects): the tail of an incremental update, or a whole small file.
 * @internal
 * @module
 */
import { deflateSync } from 'node:zlib';
import { PdfDict, PdfName, PdfRef, type PdfValue } from './pdf-object.js';
import { serializeObject, serializeValue, type RawObjectBody, type StreamToWrite } from './pdf-serializer.js';

/** An object to write: a value, a stream given as dictionary and (encoded) data, or a body already written. */
export interface ObjectToWrite {
  readonly ref: PdfRef;
  readonly value: PdfValue | StreamToWrite | RawObjectBody;
}

/** What {@link writeSection} writes. */
export interface WriteSectionInput {
  /** Bytes already in the file before this section (its length is the first offset). */
  readonly baseLength: number;
  /** Text to write first (a whole file's header). */
  readonly prefix?: Uint8Array;
  readonly objects: readonly ObjectToWrite[];
  /** Non-stream objects to put in one object stream (`stream` form only). */
  readonly compressed?: readonly { readonly ref: PdfRef; readonly value: PdfValue }[];
  readonly form: 'table' | 'stream';
  /** Trailer entries (Root, Info, ID, Prev…); Size, and for streams Type/W/Index, are added. */
  readonly trailer: PdfDict;
  /** The next free object number before this section's own objects (object and xref streams). */
  readonly nextObject: number;
  /** Write the free-list head (object 0) — for a whole file. */
  readonly freeHead?: boolean;
  /** Filter the cross-reference stream with the PNG Up predictor. @defaultValue false */
  readonly pngPredictor?: boolean;
}

type Row = { num: number; type: 0 | 1 | 2; a: number; b: number };

/** Bytes of the objects and the cross-reference section, ending with `%%EOF\n`. */
export function writeSection(input: WriteSectionInput): Buffer {
  const parts: Buffer[] = [];
  let pos = input.baseLength;
  const push = (b: Buffer | Uint8Array) => {
    const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    parts.push(buf);
    pos += buf.length;
  };
  if (input.prefix) push(input.prefix);
  const rows: Row[] = input.freeHead ? [{ num: 0, type: 0, a: 0, b: 65535 }] : [];
  for (const o of input.objects) {
    rows.push({ num: o.ref.num, type: 1, a: pos, b: o.ref.gen });
    push(serializeObject(o.ref, o.value));
  }
  let next = input.nextObject;
  const compressed = input.form === 'stream' ? (input.compressed ?? []) : [];
  if (input.form === 'table') {
    for (const o of input.compressed ?? []) {
      rows.push({ num: o.ref.num, type: 1, a: pos, b: o.ref.gen });
      push(serializeObject(o.ref, o.value));
    }
  } else if (compressed.length > 0) {
    const streamNum = next++;
    const bodies = compressed.map((o) => Buffer.from(`${serializeValue(o.value)}\n`, 'latin1'));
    let off = 0;
    const header = compressed.map((o, i) => {
      const h = `${o.ref.num} ${off}`;
      off += (bodies[i] as Buffer).length;
      return h;
    }).join(' ') + '\n';
    const data = deflateSync(Buffer.concat([Buffer.from(header, 'latin1'), ...bodies]));
    const dict = new PdfDict(new Map<string, PdfValue>([
      ['Type', new PdfName('ObjStm')], ['N', compressed.length], ['First', Buffer.byteLength(header, 'latin1')], ['Filter', new PdfName('FlateDecode')],
    ]));
    rows.push({ num: streamNum, type: 1, a: pos, b: 0 });
    push(serializeObject(new PdfRef(streamNum, 0), { dict, data }));
    compressed.forEach((o, i) => rows.push({ num: o.ref.num, type: 2, a: streamNum, b: i }));
  }
  if (input.form === 'table') {
    const xrefAt = pos;
    const size = Math.max(next, ...rows.map((r) => r.num + 1));
    let text = 'xref\n';
    for (const run of runs(rows)) {
      text += `${run[0]!.num} ${run.length}\n`;
      for (const r of run) text += `${String(r.a).padStart(10, '0')} ${String(r.b).padStart(5, '0')} ${r.type === 0 ? 'f' : 'n'} \n`;
    }
    const trailer = input.trailer.with({ Size: size });
    push(Buffer.from(`${text}trailer\n${serializeValue(trailer)}\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'));
  } else {
    const xrefNum = next++;
    const xrefAt = pos;
    rows.push({ num: xrefNum, type: 1, a: xrefAt, b: 0 });
    const size = Math.max(next, ...rows.map((r) => r.num + 1));
    const width = Math.max(4, bytesFor(Math.max(...rows.map((r) => r.a))));
    const genWidth = Math.max(1, bytesFor(Math.max(...rows.map((r) => r.b))));
    const ordered = runs(rows);
    const rowBytes = 1 + width + genWidth;
    const table = Buffer.alloc(rows.length * rowBytes);
    let i = 0;
    for (const r of ordered.flat()) {
      table[i] = r.type;
      table.writeUIntBE(r.a, i + 1, width);
      table.writeUIntBE(r.b, i + 1 + width, genWidth);
      i += rowBytes;
    }
    const data = deflateSync(input.pngPredictor ? pngUp(table, rowBytes) : table);
    const dict = input.trailer.with({
      Type: new PdfName('XRef'),
      Size: size,
      Index: ordered.flatMap((run) => [run[0]!.num, run.length]),
      W: [1, width, genWidth],
      Filter: new PdfName('FlateDecode'),
      DecodeParms: input.pngPredictor ? new PdfDict(new Map<string, PdfValue>([['Predictor', 12], ['Columns', rowBytes]])) : undefined,
    });
    push(serializeObject(new PdfRef(xrefNum, 0), { dict, data }));
    push(Buffer.from(`startxref\n${xrefAt}\n%%EOF\n`, 'latin1'));
  }
  return Buffer.concat(parts);
}

function bytesFor(n: number): number {
  let w = 1;
  while (n >= 256 ** w) w++;
  return w;
}

/** Rows sorted by object number and grouped into contiguous runs. */
function runs(rows: readonly Row[]): Row[][] {
  const sorted = [...rows].sort((a, b) => a.num - b.num);
  const out: Row[][] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    const prev = last?.[last.length - 1];
    if (prev && prev.num === r.num) continue;
    if (last && prev && prev.num + 1 === r.num) last.push(r);
    else out.push([r]);
  }
  return out;
}

/** PNG "Up" filtering of fixed-width rows (each row prefixed with filter type 2). */
function pngUp(table: Buffer, rowBytes: number): Buffer {
  const rows = table.length / rowBytes;
  const out = Buffer.alloc(rows * (rowBytes + 1));
  for (let r = 0; r < rows; r++) {
    out[r * (rowBytes + 1)] = 2;
    for (let i = 0; i < rowBytes; i++) {
      const cur = table[r * rowBytes + i] as number;
      const up = r > 0 ? (table[(r - 1) * rowBytes + i] as number) : 0;
      out[r * (rowBytes + 1) + 1 + i] = (cur - up) & 0xff;
    }
  }
  return out;
}
