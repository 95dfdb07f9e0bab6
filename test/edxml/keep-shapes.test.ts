// The hidden-class anchors (src/keep-shapes.ts): after a full collection that finds no parse
// under way, the tokenizer's optimized code must still be there. Without the anchor V8 drops
// the instances' hidden class at that collection and marks every function optimized for it
// for deoptimization, so this test fails when an anchor is removed or stops matching the
// instances the library builds.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Base64Decoder } from '../../src/edxml/base64-decoder.js';
import { FieldReader } from '../../src/edxml/field-reader.js';
import { XmlTokenizer } from '../../src/edxml/xml-tokenizer.js';
import { XmlWriter } from '../../src/edxml/xml-writer.js';
import { buildEdxml, parseEdxml } from '../../src/index.js';
import { parseXmlTree } from '../../src/edxml/xml-tree.js';
import { PdfDocument } from '../../src/signature/pdf/pdf-document.js';
import { PdfParser } from '../../src/signature/pdf/pdf-parser.js';
import { sampleEdoc } from '../../src/testing/index.js';

setFlagsFromString('--allow-natives-syntax');
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');
const status = new Function('f', 'return %GetOptimizationStatus(f)') as (f: unknown) => number;
const prepare = new Function('f', '%PrepareFunctionForOptimization(f)') as (f: unknown) => void;
const optimizeNext = new Function('f', '%OptimizeFunctionOnNextCall(f)') as (f: unknown) => void;
setFlagsFromString('--no-allow-natives-syntax');

/** V8's OptimizationStatus bits (src/runtime/runtime.h). */
const OPTIMIZED = 1 << 4;
const MARKED_FOR_DEOPTIMIZATION = 1 << 14;
const optimized = (f: unknown) => (status(f) & OPTIMIZED) !== 0 && (status(f) & MARKED_FOR_DEOPTIMIZATION) === 0;

const method = (proto: object, name: string): ((...args: never[]) => unknown) => (proto as Record<string, (...args: never[]) => unknown>)[name]!;

/** Runs `work` until `fn` is optimized (forced on the next call), then collects with nothing alive. */
function optimizeThenCollect(fn: unknown, work: () => void): { before: boolean; after: boolean } {
  for (let i = 0; i < 20; i++) work();
  prepare(fn);
  work();
  optimizeNext(fn);
  work();
  const before = optimized(fn);
  gc();
  gc();
  return { before, after: optimized(fn) };
}

describe('hidden-class anchors', () => {
  it("keeps the XML tokenizer's optimized code across a full collection", () => {
    const xml = `<a xmlns="urn:x"><b c="1">text</b>${'<d/>'.repeat(20)}</a>`;
    const r = optimizeThenCollect(method(XmlTokenizer.prototype, 'consume'), () => void parseXmlTree(Buffer.from(xml)));
    expect(r.before).toBe(true);
    expect(r.after).toBe(true);
  });

  it("keeps the PDF parser's optimized code across a full collection", () => {
    const bytes = Buffer.from('<< /Type /Catalog /Pages 2 0 R /Names [ (a) <0102> 3 0 R ] /N 12 >>', 'latin1');
    const r = optimizeThenCollect(method(PdfParser.prototype, 'skipSpace'), () => void new PdfParser(bytes).value());
    expect(r.before).toBe(true);
    expect(r.after).toBe(true);
  });

  it("keeps the PDF document's optimized code across a full collection", () => {
    const text = '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n';
    const pdf = Buffer.from(`${text}xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n${text.length}\n%%EOF\n`, 'latin1');
    const r = optimizeThenCollect(method(PdfDocument.prototype, 'object'), () => {
      const doc = PdfDocument.open(pdf);
      if (doc.reconstructed || !doc.object(1)) throw new Error('the test PDF does not read');
    });
    expect(r.before).toBe(true);
    expect(r.after).toBe(true);
  });

  describe('building and reading packages', () => {
    const message = { ...sampleEdoc(), attachments: [{ contentId: 'a', name: 'a.pdf', contentType: 'application/pdf', data: new Uint8Array(5000) }] };
    const bytes = buildEdxml(message);
    const cases: [string, unknown, () => void][] = [
      ['the XML writer (building)', method(XmlWriter.prototype, 'leaf'), () => void buildEdxml(message)],
      ['the field reader (parsing)', method(FieldReader.prototype, 'text'), () => void parseEdxml(bytes)],
      ['the base64 decoder (parsing attachments)', method(Base64Decoder.prototype, 'writeBytes'), () => void parseEdxml(bytes)],
    ];
    it.each(cases)("keeps the optimized code of %s across a full collection", (_, fn, work) => {
      const r = optimizeThenCollect(fn, work);
      expect(r.before).toBe(true);
      expect(r.after).toBe(true);
    });
  });
});
