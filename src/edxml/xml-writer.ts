/**
 * A small indenting XML text writer for the strict edXML shape: elements with escaped text,
 * omitted when empty, and the text taken out piece by piece so that a package can be
 * streamed. Characters XML 1.0 cannot carry are refused, never dropped.
 * @internal
 * @module
 */
import { EdxmlError } from '../errors.js';
import { keepShape } from '../keep-shapes.js';
import { firstForbiddenCharacter } from './write-rules.js';

/** Escapes character data. `\r` is written as a reference so that it survives line-end normalisation. */
export function escapeXmlText(text: string, where = 'text'): string {
  refuseForbidden(text, where);
  return text.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

/** Escapes an attribute value (double-quoted); tab, LF and CR as references so they survive normalisation. */
export function escapeXmlAttribute(value: string, where = 'attribute'): string {
  refuseForbidden(value, where);
  return value.replace(/[&<>"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]!);
}

const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

const INDENTS = Array.from({ length: 16 }, (_, i) => '  '.repeat(i));
const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;

function refuseForbidden(text: string, where: string): void {
  const bad = firstForbiddenCharacter(text);
  if (bad !== undefined) {
    throw new EdxmlError('VDXP_INPUT_INVALID', `${where} contains U+${bad.toString(16).toUpperCase().padStart(4, '0')}, which XML cannot carry`, { path: where });
  }
}

/** Writes elements line by line, two spaces per level. */
export class XmlWriter {
  private parts: string[] = [];
  private readonly open: string[] = [];

  /** Starts `<?xml version="1.0" encoding="UTF-8"?>`. */
  declaration(): this {
    this.parts.push('<?xml version="1.0" encoding="UTF-8"?>\n');
    return this;
  }

  /** Opens an element with attributes (in the given order). */
  start(name: string, attributes: Readonly<Record<string, string>> = {}): this {
    this.parts.push(`${this.indent()}<${checkName(name)}${attrs(attributes)}>\n`);
    this.open.push(name);
    return this;
  }

  /** Closes the innermost open element. */
  end(): this {
    const name = this.open.pop();
    if (name === undefined) throw new Error('XmlWriter: nothing to close');
    this.parts.push(`${this.indent()}</${name}>\n`);
    return this;
  }

  /** `<name>text</name>`, or nothing when the value is undefined or empty. */
  leaf(name: string, value: string | number | boolean | undefined, attributes: Readonly<Record<string, string>> = {}): this {
    if (value === undefined || value === '') return this;
    const text = escapeXmlText(String(value), name);
    this.parts.push(`${this.indent()}<${checkName(name)}${attrs(attributes)}>${text}</${name}>\n`);
    return this;
  }

  /** An element with no content: `<name attr="…"/>`. */
  empty(name: string, attributes: Readonly<Record<string, string>> = {}): this {
    this.parts.push(`${this.indent()}<${checkName(name)}${attrs(attributes)}/>\n`);
    return this;
  }

  /**
   * Writes the start of an element whose text follows as raw pieces (base64): the caller
   * writes the text, then {@link closeInline}.
   */
  startInline(name: string, attributes: Readonly<Record<string, string>> = {}): this {
    this.parts.push(`${this.indent()}<${checkName(name)}${attrs(attributes)}>`);
    this.open.push(name);
    return this;
  }

  /** Closes an element opened with {@link startInline}, on the same line. */
  closeInline(): this {
    const name = this.open.pop();
    if (name === undefined) throw new Error('XmlWriter: nothing to close');
    this.parts.push(`</${name}>\n`);
    return this;
  }

  /** Runs `body` between `start(name)` and `end()` only when `present`. */
  group(name: string, present: boolean, body: () => void, attributes: Readonly<Record<string, string>> = {}): this {
    if (!present) return this;
    this.start(name, attributes);
    body();
    return this.end();
  }

  /** Returns the text written since the last call and forgets it. */
  take(): string {
    const text = this.parts.join('');
    this.parts = [];
    return text;
  }

  private indent(): string {
    return INDENTS[this.open.length] ?? '  '.repeat(this.open.length);
  }
}

function attrs(attributes: Readonly<Record<string, string>>): string {
  let out = '';
  for (const [k, v] of Object.entries(attributes)) out += ` ${checkName(k)}="${escapeXmlAttribute(v, k)}"`;
  return out;
}

/** Names already checked (the writer uses a few dozen, again and again). */
const checkedNames = new Set<string>();

function checkName(name: string): string {
  if (checkedNames.has(name)) return name;
  if (!NAME.test(name)) throw new Error(`XmlWriter: not an XML name: ${name}`);
  if (checkedNames.size < 1000) checkedNames.add(name);
  return name;
}

keepShape(new XmlWriter());
