/**
 * Reading leaf values of an edXML tree leniently: empty elements are absent, text is trimmed,
 * unusual forms are understood and reported as warnings, and values the model cannot hold are
 * refused with the XML path.
 * @internal
 * @module
 */
import { vietnamDate } from './vietnam-time.js';
import { EdxmlError } from '../errors.js';
import { keepShape } from '../keep-shapes.js';
import { isValidAgencyId } from './agency-id.js';
import { readDate, readTimestamp } from './dates.js';
import type { EdxmlWarning } from './model.js';
import { firstChild, pathOf, textOf, type XmlElement } from './xml-tree.js';

/** Length limits one hub enforces (spec 2.2): reported as warnings on read. */
export const LENGTH_LIMITS: Readonly<Record<string, number>> = {
  OrganName: 200,
  OrganizationInCharge: 500,
  OrganAdd: 500,
  Email: 100,
  Telephone: 20,
  Fax: 20,
  CodeNumber: 11,
  CodeNotation: 30,
  Place: 50,
  Subject: 500,
  Content: 500,
  TypeName: 100,
  SphereOfPromulgation: 100,
  TyperNotation: 10,
  AttachmentName: 500,
};

/** Reads values out of elements, collecting warnings. */
export class FieldReader {
  readonly warnings: EdxmlWarning[] = [];
  private readonly flaggedIds = new Set<string>();

  constructor(private readonly now?: () => Date) {}

  warn(code: string, path: string, message: string): void {
    this.warnings.push({ code, path, message });
  }

  /** The trimmed text of the child `name`, or undefined when absent or empty. */
  text(parent: XmlElement | undefined, name: string, limit = LENGTH_LIMITS[name]): string | undefined {
    const el = firstChild(parent, name);
    if (!el) return undefined;
    return this.value(el, limit);
  }

  /** The trimmed text of an element, or undefined when empty; warns past `limit` characters. */
  value(el: XmlElement, limit?: number): string | undefined {
    const v = textOf(el).trim();
    if (v.length === 0) return undefined;
    if (limit !== undefined) {
      const length = [...v].length;
      if (length > limit) this.warn('too_long', pathOf(el), `${el.local} has ${length} characters, more than the ${limit} allowed`);
    }
    return v;
  }

  /** A required text: refuses when absent or empty. */
  required(parent: XmlElement, name: string, limit = LENGTH_LIMITS[name]): string {
    const v = this.text(parent, name, limit);
    if (v === undefined) missing(parent, name);
    return v;
  }

  /** An agency identifier: any string, flagged when not in the strict form. */
  agencyId(parent: XmlElement | undefined, name = 'OrganId'): string | undefined {
    const el = firstChild(parent, name);
    if (!el) return undefined;
    const v = this.value(el);
    if (v !== undefined) this.checkAgencyId(v, pathOf(el));
    return v;
  }

  /** Flags an identifier not in the strict form `LLL.KK.JJ.Xnn` (once per path and value). */
  checkAgencyId(id: string, path: string): void {
    if (isValidAgencyId(id)) return;
    const key = `${path}\u0000${id}`;
    if (this.flaggedIds.has(key)) return;
    this.flaggedIds.add(key);
    this.warn('agency_id_format', path, `agency identifier ${JSON.stringify(id)} is not in the form LLL.KK.JJ.Xnn`);
  }

  /**
   * An integer. When `required`, a missing or malformed value is refused; otherwise it is
   * dropped with a warning. `range` bounds are checked the same way.
   */
  int(parent: XmlElement | undefined, name: string, opts: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    const el = firstChild(parent, name);
    const raw = el ? this.value(el) : undefined;
    if (raw === undefined) {
      if (opts.required && parent) missing(parent, name);
      return undefined;
    }
    const path = pathOf(el!);
    const n = /^[+-]?\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isNaN(n)) return this.reject(opts.required, 'number_format', path, `${name} ${JSON.stringify(raw.slice(0, 40))} is not an integer`);
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
      return this.reject(opts.required, 'out_of_range', path, `${name} ${n} is outside ${opts.min ?? '…'}..${opts.max ?? '…'}`);
    }
    return n;
  }

  /** A boolean `true`/`false` (also `1`/`0`); anything else is dropped with a warning. */
  bool(parent: XmlElement | undefined, name: string): boolean | undefined {
    const el = firstChild(parent, name);
    const raw = el ? this.value(el) : undefined;
    if (raw === undefined) return undefined;
    const v = raw.toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    this.warn('boolean_format', pathOf(el!), `${name} ${JSON.stringify(raw.slice(0, 40))} is not true or false; ignored`);
    return undefined;
  }

  /** A date as `YYYY-MM-DD`. Unusual forms warn `date_format`; unreadable ones are refused when required, else dropped. */
  date(parent: XmlElement | undefined, name: string, opts: { required?: boolean; notFuture?: boolean } = {}): string | undefined {
    const el = firstChild(parent, name);
    const raw = el ? this.value(el) : undefined;
    if (raw === undefined) {
      if (opts.required && parent) missing(parent, name);
      return undefined;
    }
    const path = pathOf(el!);
    const read = readDate(raw);
    if (!read) return this.reject(opts.required, 'date_format', path, `${name} ${JSON.stringify(raw.slice(0, 40))} is not a date`);
    if (read.note) this.warn('date_format', path, `${name}: ${read.note}`);
    if (opts.notFuture && this.now && read.value > vietnamDate(this.now())) {
      this.warn('future_date', path, `${name} ${read.value} is in the future`);
    }
    return read.value;
  }

  /** A timestamp as `YYYY-MM-DDTHH:mm:ss+07:00`; same policy as {@link date}. */
  timestamp(parent: XmlElement | undefined, name: string, opts: { required?: boolean } = {}): string | undefined {
    const el = firstChild(parent, name);
    const raw = el ? this.value(el) : undefined;
    if (raw === undefined) {
      if (opts.required && parent) missing(parent, name);
      return undefined;
    }
    const path = pathOf(el!);
    const read = readTimestamp(raw);
    if (!read) return this.reject(opts.required, 'timestamp_format', path, `${name} ${JSON.stringify(raw.slice(0, 40))} is not a timestamp`);
    if (read.note) this.warn('timestamp_format', path, `${name}: ${read.note}`);
    return read.value;
  }

  private reject(required: boolean | undefined, code: string, path: string, message: string): undefined {
    if (required) throw new EdxmlError('VDXP_EDXML_INVALID', `invalid package: ${path}: ${message}`, { path });
    this.warn(code, path, `${message}; ignored`);
    return undefined;
  }
}

/**
 * Refuses a package that lacks a required element.
 * @throws {EdxmlError} VDXP_EDXML_INVALID
 */
export function missing(parent: XmlElement, name: string): never {
  const path = `${pathOf(parent)}/${name}`;
  throw new EdxmlError('VDXP_EDXML_INVALID', `invalid package: ${path} is missing or empty`, { path });
}

/** Drops the keys whose value is undefined; undefined when nothing is left. */
export function compact<T extends object>(o: T): T | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    out[k] = v;
    if (!(Array.isArray(v) && v.length === 0)) any = true;
  }
  return any ? (out as T) : undefined;
}

keepShape(new FieldReader());
