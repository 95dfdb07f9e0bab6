/**
 * Whether a signing certificate belongs to a person (người có thẩm quyền) or to an
 * organisation (cơ quan, tổ chức). Both kinds share one certificate profile at the Government
 * CA, so the role is read from the subject, and a caller may override it.
 *
 * The rule, first match wins:
 * 1. `UID` starting `CMND:`, `CCCD:`, `HC:` or `PASSPORT:` (a personal identity number) → person;
 * 2. a `title` (chức vụ) attribute → person;
 * 3. `UID` starting `MST:`, `MNS:` or `MSNS:` (tax or budget code of a body) → organisation;
 * 4. `CN` equal to `O` (case, spacing and diacritics ignored) → organisation;
 * 5. `CN` starting with the name of a kind of body (Bộ, Sở, Ủy ban nhân dân, UBND, Văn phòng,
 *    Cục, Tổng cục, Chi cục, Ban, Viện, Trung tâm, Phòng, Trường, Bệnh viện, Công ty, Tòa án,
 *    Kho bạc, Hội đồng, Thanh tra, Đảng ủy, Cơ quan, …) → organisation; written with
 *    diacritics, or without them where no common surname reads the same (`Truong` may be
 *    Trương, so only `Trường` counts);
 * 6. otherwise → person.
 * @module
 */
import type * as pkijs from 'pkijs';
import { NAME_OIDS, nameAttribute } from '../distinguished-name.js';

/** Who signed, for Nghị định 30/2020 Art. 5. */
export type SignerRole = 'person' | 'organization';

/** The role and why it was given. */
export interface SignerRoleDecision {
  readonly role: SignerRole;
  /** `override` when the caller decided; else the rule that matched. */
  readonly basis: 'override' | 'personal-id' | 'title' | 'organization-id' | 'cn-equals-o' | 'organization-name' | 'default';
}

/** Kinds of body, as written (lowercase, with diacritics). */
const BODY_PREFIXES = [
  'bộ', 'sở', 'ủy ban', 'uỷ ban', 'ubnd', 'văn phòng', 'cục', 'tổng cục', 'chi cục', 'ban', 'viện', 'trung tâm', 'phòng',
  'trường', 'bệnh viện', 'công ty', 'tòa án', 'toà án', 'kho bạc', 'hội đồng', 'thanh tra', 'đảng ủy', 'tỉnh ủy', 'thành ủy',
  'huyện ủy', 'cơ quan', 'tập đoàn', 'tổng công ty', 'ngân hàng', 'đại học', 'học viện', 'công an', 'bảo hiểm',
];
/** The same without diacritics, only where no common surname folds to it (Trương → truong, Bàn → ban). */
const ASCII_BODY_PREFIXES = [
  'bo', 'so', 'uy ban', 'ubnd', 'van phong', 'tong cuc', 'chi cuc', 'trung tam', 'benh vien', 'cong ty', 'toa an', 'kho bac',
  'hoi dong', 'thanh tra', 'co quan', 'tap doan', 'tong cong ty', 'ngan hang', 'dai hoc', 'hoc vien', 'cong an', 'bao hiem',
];

/** Lowercase NFC, spaces collapsed. */
function lower(s: string): string {
  return s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Lowercase ASCII without diacritics, spaces collapsed. */
function fold(s: string): string {
  return lower(s.replace(/[đĐ]/g, 'd').normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
}

const startsWithAny = (text: string, prefixes: readonly string[]) => prefixes.some((p) => text === p || text.startsWith(`${p} `));

/**
 * The role of a certificate's subject by the rule above.
 * @example
 * ```ts
 * signerRoleOf(certificateFromDer(der).pkijs.subject).role; // 'organization'
 * ```
 */
export function signerRoleOf(subject: pkijs.RelativeDistinguishedNames): SignerRoleDecision {
  const uid = (nameAttribute(subject, NAME_OIDS.UID) ?? '').trim().toUpperCase();
  if (/^(CMND|CCCD|HC|PASSPORT|CMT)\s*:/.test(uid)) return { role: 'person', basis: 'personal-id' };
  if ((nameAttribute(subject, NAME_OIDS.title) ?? '').trim()) return { role: 'person', basis: 'title' };
  if (/^(MST|MNS|MSNS)\s*:/.test(uid)) return { role: 'organization', basis: 'organization-id' };
  const cn = nameAttribute(subject, NAME_OIDS.CN) ?? '';
  const o = nameAttribute(subject, NAME_OIDS.O) ?? '';
  if (fold(cn) && fold(cn) === fold(o)) return { role: 'organization', basis: 'cn-equals-o' };
  if (startsWithAny(lower(cn), BODY_PREFIXES) || startsWithAny(fold(cn), ASCII_BODY_PREFIXES)) return { role: 'organization', basis: 'organization-name' };
  return { role: 'person', basis: 'default' };
}
