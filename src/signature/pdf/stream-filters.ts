/**
 * Decoding of the streams signature verification reads (cross-reference streams and object
 * streams): FlateDecode with the PNG and TIFF predictors, with a cap on the decoded size.
 * @internal
 * @module
 */
import { constants, inflateSync } from 'node:zlib';
import { PdfError } from '../../errors.js';
import { PdfDict, PdfName, type PdfStream, type PdfValue } from './pdf-object.js';

/** Decoded bytes of a stream, at most `maxBytes`. */
export function decodeStream(stream: PdfStream, maxBytes: number): Uint8Array {
  const filters = asList(stream.dict.get('Filter'));
  const params = asList(stream.dict.get('DecodeParms'));
  let data: Uint8Array = stream.raw;
  filters.forEach((f, i) => {
    if (!(f instanceof PdfName)) throw new PdfError('VDXP_PDF_MALFORMED', 'malformed PDF: a stream filter is not a name');
    const p = params[i];
    data = applyFilter(f.name, data, p instanceof PdfDict ? p : undefined, maxBytes);
  });
  if (data.length > maxBytes) throw new PdfError('VDXP_PDF_LIMIT', `a PDF stream decodes to more than ${maxBytes} bytes`);
  return data;
}

function asList(v: PdfValue | undefined): PdfValue[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function applyFilter(name: string, data: Uint8Array, params: PdfDict | undefined, maxBytes: number): Uint8Array {
  if (name !== 'FlateDecode' && name !== 'Fl') {
    throw new PdfError('VDXP_PDF_UNSUPPORTED', `the PDF stream filter ${name.slice(0, 40)} is not supported for cross-reference or object streams`);
  }
  let out: Uint8Array;
  try {
    out = inflateSync(data, { maxOutputLength: maxBytes, finishFlush: constants.Z_SYNC_FLUSH });
  } catch (cause) {
    const tooBig = (cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    if (tooBig) throw new PdfError('VDXP_PDF_LIMIT', `a PDF stream decodes to more than ${maxBytes} bytes`, { cause });
    throw new PdfError('VDXP_PDF_MALFORMED', 'malformed PDF: a FlateDecode stream cannot be inflated', { cause });
  }
  const predictor = params?.number('Predictor') ?? 1;
  if (predictor <= 1) return out;
  const colors = params?.number('Colors') ?? 1;
  const bpc = params?.number('BitsPerComponent') ?? 8;
  const columns = params?.number('Columns') ?? 1;
  const ok = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  if (!ok(colors, 32) || ![1, 2, 4, 8, 16].includes(bpc) || !ok(columns, 1 << 20)) {
    throw new PdfError('VDXP_PDF_MALFORMED', 'malformed PDF: invalid predictor parameters');
  }
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowBytes = Math.ceil((colors * bpc * columns) / 8);
  if (predictor === 2) return tiffPredictor(out, rowBytes, bpp, bpc);
  if (predictor >= 10) return pngPredictor(out, rowBytes, bpp);
  throw new PdfError('VDXP_PDF_MALFORMED', `malformed PDF: unknown predictor ${predictor}`);
}

function pngPredictor(data: Uint8Array, rowBytes: number, bpp: number): Uint8Array {
  const rows = Math.floor(data.length / (rowBytes + 1));
  const out = new Uint8Array(rows * rowBytes);
  let prev = new Uint8Array(rowBytes);
  for (let r = 0; r < rows; r++) {
    const inStart = r * (rowBytes + 1);
    const type = data[inStart] as number;
    const row = out.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let i = 0; i < rowBytes; i++) {
      const x = data[inStart + 1 + i] as number;
      const left = i >= bpp ? (row[i - bpp] as number) : 0;
      const up = prev[i] as number;
      const upLeft = i >= bpp ? (prev[i - bpp] as number) : 0;
      let v: number;
      switch (type) {
        case 0: v = x; break;
        case 1: v = x + left; break;
        case 2: v = x + up; break;
        case 3: v = x + ((left + up) >> 1); break;
        case 4: v = x + paeth(left, up, upLeft); break;
        default: throw new PdfError('VDXP_PDF_MALFORMED', `malformed PDF: unknown PNG row filter ${type}`);
      }
      row[i] = v & 0xff;
    }
    prev = row;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

function tiffPredictor(data: Uint8Array, rowBytes: number, bpp: number, bpc: number): Uint8Array {
  if (bpc !== 8) throw new PdfError('VDXP_PDF_UNSUPPORTED', 'the TIFF predictor is supported with 8 bits per component only');
  const out = new Uint8Array(data);
  for (let r = 0; r + rowBytes <= out.length; r += rowBytes) {
    for (let i = bpp; i < rowBytes; i++) out[r + i] = ((out[r + i] as number) + (out[r + i - bpp] as number)) & 0xff;
  }
  return out;
}
