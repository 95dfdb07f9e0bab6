/**
 * Agency identifiers (mã định danh, QCVN 102:2016 and Quyết định 20/2020/QĐ-TTg):
 * four dot-separated groups `LLL.KK.JJ.Xnn` read right to left. `Xnn` is the level-1 body
 * (`G22` Văn phòng Chính phủ, `H41` Nghệ An, `A..` Party bodies), `JJ` level 2, `KK` level 3,
 * `LLL` level 4; zeros mean "none".
 *
 * Write strictly ({@link isValidAgencyId}), read leniently ({@link parseAgencyId} accepts any
 * string and says whether it is in the strict form).
 * @module
 */

/** The strict write form `LLL.KK.JJ.Xnn`. */
export const AGENCY_ID_PATTERN = /^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})$/;

/** Hierarchy level of an identifier: 1 is a level-1 body (`000.00.00.G22`), 4 the deepest. */
export type AgencyLevel = 1 | 2 | 3 | 4;

/** What {@link parseAgencyId} found in a string. */
export interface ParsedAgencyId {
  /** The string as given. */
  readonly raw: string;
  /** True when `raw` is in the strict form `LLL.KK.JJ.Xnn`. */
  readonly valid: boolean;
  /** Hierarchy level (strict form only). */
  readonly level?: AgencyLevel;
  /** The four groups as written, `[LLL, KK, JJ, Xnn]` (strict form only). */
  readonly groups?: readonly [string, string, string, string];
  /**
   * The level-1 body `Xnn` (`G22`, `H41`, `A53`). Also given for a non-strict string whose
   * last dot-separated group has that shape (`28.22.H17` → `H17`).
   */
  readonly body?: string;
  /** The parent unit's identifier (strict form of level 2 to 4 only). */
  readonly parent?: string;
}

/**
 * Reads an agency identifier leniently: any string is accepted and described; `valid` says
 * whether it is in the strict form. Never throws.
 *
 * @example
 * ```ts
 * parseAgencyId('000.00.18.G12');
 * // { raw: '000.00.18.G12', valid: true, level: 2, groups: ['000','00','18','G12'],
 * //   body: 'G12', parent: '000.00.00.G12' }
 * parseAgencyId('vxp.saas.03'); // { raw: 'vxp.saas.03', valid: false }
 * ```
 */
export function parseAgencyId(s: string): ParsedAgencyId {
  const m = AGENCY_ID_PATTERN.exec(s);
  if (!m) {
    const last = s.split('.').at(-1) ?? '';
    return /^[A-Z]\d{2}$/.test(last) ? { raw: s, valid: false, body: last } : { raw: s, valid: false };
  }
  const groups = [m[1]!, m[2]!, m[3]!, m[4]!] as const;
  const level = levelOf(groups);
  const parent = parentOf(groups, level);
  return parent === undefined
    ? { raw: s, valid: true, level, groups, body: groups[3] }
    : { raw: s, valid: true, level, groups, body: groups[3], parent };
}

/**
 * True when `s` is in the strict write form `^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$`.
 * @example
 * ```ts
 * isValidAgencyId('000.00.00.G22'); // true
 * isValidAgencyId('28.22.H17');     // false
 * ```
 */
export function isValidAgencyId(s: string): boolean {
  return AGENCY_ID_PATTERN.test(s);
}

/**
 * The hierarchy level of a strict identifier, or undefined for any other string.
 * @example
 * ```ts
 * agencyLevel('000.00.00.G22'); // 1
 * agencyLevel('000.00.18.G12'); // 2
 * agencyLevel('001.02.18.G12'); // 4
 * ```
 */
export function agencyLevel(s: string): AgencyLevel | undefined {
  return parseAgencyId(s).level;
}

/**
 * The parent unit of a strict identifier: the most specific non-zero group is zeroed.
 * Undefined for a level-1 body and for non-strict strings.
 * @example
 * ```ts
 * parentAgencyId('000.00.18.G12'); // '000.00.00.G12'
 * parentAgencyId('001.02.18.G12'); // '000.02.18.G12'
 * parentAgencyId('000.00.00.G22'); // undefined
 * ```
 */
export function parentAgencyId(s: string): string | undefined {
  return parseAgencyId(s).parent;
}

function levelOf(g: readonly [string, string, string, string]): AgencyLevel {
  if (!isZero(g[0])) return 4;
  if (!isZero(g[1])) return 3;
  if (!isZero(g[2])) return 2;
  return 1;
}

function parentOf(g: readonly [string, string, string, string], level: AgencyLevel): string | undefined {
  if (level === 1) return undefined;
  const copy: string[] = [...g];
  const i = 4 - level; // level 4 → group 0, level 3 → group 1, level 2 → group 2
  copy[i] = '0'.repeat(copy[i]!.length);
  return copy.join('.');
}

function isZero(group: string): boolean {
  return /^0+$/.test(group);
}
