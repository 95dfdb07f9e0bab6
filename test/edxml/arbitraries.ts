/**
 * fast-check generators of valid edXML messages (the strict write form): Vietnamese text
 * with diacritics and Đ, markup characters, many recipients and attachments, every business
 * operation and status code, optional fields present or absent.
 */
import fc from 'fast-check';
import { STATUS_CODE_ORDER } from '../../src/edxml/codes.js';
import { makeDocumentId } from '../../src/edxml/document-code.js';
import type {
  Attachment,
  Business,
  EdocMessage,
  Organization,
  ResponseFor,
  StaffInfo,
  StatusMessage,
  TraceHeader,
} from '../../src/edxml/model.js';

const LETTERS = [...'aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXYàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐđ'];
const OTHERS = [...'0123456789 ,.;:-/()&<>"\'%#@'];

/** Vietnamese-looking text, trimmed and non-empty, up to `max` characters; inner line breaks allowed when `lines`. */
export function vnText(max: number, lines = false): fc.Arbitrary<string> {
  const chars = fc.constantFrom(...LETTERS, ...LETTERS, ...OTHERS, ...(lines ? ['\n', '\r\n', '\t'] : []));
  return fc
    .array(chars, { minLength: 1, maxLength: Math.max(1, max - 1) })
    .map((cs) => cs.join('').trim())
    .filter((s) => s.length > 0 && [...s].length <= max);
}

const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));

/** A strict agency id `LLL.KK.JJ.Xnn`. */
export const agencyId: fc.Arbitrary<string> = fc
  .tuple(digits(3), digits(2), digits(2), fc.constantFrom(...'ABGHKTX'), digits(2))
  .map(([a, b, c, l, n]) => `${a}.${b}.${c}.${l}${n}`);

const isoDate = (from: string, to: string) =>
  fc.date({ min: new Date(`${from}T00:00:00Z`), max: new Date(`${to}T00:00:00Z`), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
/** Dates up to the end of 2024 (the tests' clock is 2025-01-01). */
export const pastDate = isoDate('1990-01-01', '2024-12-31');
export const timestamp: fc.Arbitrary<string> = fc
  .tuple(isoDate('2015-01-01', '2030-12-31'), fc.integer({ min: 0, max: 86_399 }))
  .map(([d, s]) => `${d}T${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}+07:00`);

const email = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,20}$/), fc.constantFrom('gov.vn', 'chinhphu.vn', 'nghean.gov.vn')).map(([u, d]) => `${u}@${d}`);
const phone = fc.stringMatching(/^0[0-9 ]{6,17}[0-9]$/);

/** Object with the optional keys present or absent (never undefined values). */
function someOf<T extends Record<string, unknown>>(parts: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<Partial<T>> {
  return fc.record(parts, { requiredKeys: [] }) as fc.Arbitrary<Partial<T>>;
}

export function organization(id: fc.Arbitrary<string> = agencyId): fc.Arbitrary<Organization> {
  return fc
    .tuple(
      id,
      vnText(200),
      someOf({ organizationInCharge: vnText(500), organAdd: vnText(500), email, telephone: phone, fax: phone, website: fc.constantFrom('vpcp.chinhphu.vn', 'https://nghean.gov.vn') }),
    )
    .map(([organId, organName, rest]) => ({ organId, organName, ...rest }));
}

export const staffInfo: fc.Arbitrary<StaffInfo> = someOf({
  department: vnText(60),
  departmentId: fc.stringMatching(/^[A-Z0-9-]{1,10}$/),
  staff: vnText(60),
  staffId: fc.stringMatching(/^[0-9]{1,8}$/),
  email,
  mobile: phone,
}).filter((s) => Object.keys(s).length > 0) as fc.Arbitrary<StaffInfo>;

const codeNumber = fc.stringMatching(/^[0-9]{1,7}[a-zA-Z]{0,2}$/);
const codeNotation = fc
  .tuple(fc.option(fc.integer({ min: 2000, max: 2030 }), { nil: undefined }), fc.constantFrom('QĐ', 'CV', 'TB', 'KH', 'CĐ', 'QyĐ', 'TTr', 'HĐ'), fc.constantFrom('TTg', 'UBND', 'VPCP-TTĐT', 'BNV', 'SGDĐT', 'ĐHQG'))
  .map(([year, kind, body]) => `${year === undefined ? '' : `${year}/`}${kind}-${body}`);

export const responseFor: fc.Arbitrary<ResponseFor> = fc
  .tuple(agencyId, codeNumber, codeNotation, fc.option(pastDate, { nil: undefined }), fc.option(fc.uuid(), { nil: undefined }))
  .map(([organId, n, notation, promulgationDate, uuid]) => ({
    organId,
    code: `${n}/${notation}`,
    ...(promulgationDate === undefined ? {} : { promulgationDate }),
    documentId: uuid ?? makeDocumentId(organId, promulgationDate ?? '2020-01-01', `${n}/${notation}`),
  }));

const traceHeader: fc.Arbitrary<TraceHeader> = fc.tuple(fc.option(agencyId, { nil: undefined }), timestamp).map(([organId, ts]) => (organId === undefined ? { timestamp: ts } : { organId, timestamp: ts }));

const paper = fc.option(fc.constantFrom(0 as const, 1 as const), { nil: undefined });
const base = (type: 0 | 1 | 2 | 3) =>
  fc.record({ reason: fc.option(vnText(200), { nil: undefined }), paper, staffInfo: fc.array(staffInfo, { maxLength: 2 }) }).map(({ reason, paper, staffInfo }) => ({
    businessDocType: type,
    ...(reason === undefined ? {} : { businessDocReason: reason }),
    ...(paper === undefined ? {} : { paper }),
    staffInfo,
    replacementInfo: [] as Business['replacementInfo'],
  }));

/** A business block of each operation with its required fields. */
export const business: fc.Arbitrary<Business> = fc.oneof(
  fc.tuple(base(0), fc.option(fc.uuid(), { nil: undefined })).map(([b, documentId]) => (documentId === undefined ? b : { ...b, documentId })),
  fc.tuple(base(1), fc.option(fc.uuid(), { nil: undefined })).map(([b, documentId]) => (documentId === undefined ? b : { ...b, documentId })),
  fc
    .tuple(
      base(2),
      fc.uuid(),
      fc.option(
        fc
          .record(
            {
              documentInfo: fc.constantFrom(0 as const, 1 as const),
              documentReceiver: fc.constantFrom(0 as const, 1 as const),
              receivers: fc.array(fc.record({ organId: agencyId, receiverType: fc.constantFrom(0 as const, 1 as const) }), { maxLength: 4 }),
            },
            { requiredKeys: ['receivers'] },
          )
          .filter((i) => i.documentInfo !== undefined || i.documentReceiver !== undefined || i.receivers.length > 0),
        { nil: undefined },
      ),
    )
    .map(([b, documentId, info]) => ({ ...b, documentId, ...(info === undefined ? {} : { businessDocumentInfo: info }) })),
  fc
    .tuple(base(3), fc.array(fc.record({ documentId: fc.uuid(), organIds: fc.array(agencyId, { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 3 }))
    .map(([b, replacementInfo]) => ({ ...b, replacementInfo })),
);

/** File types whose MIME type a reader derives from the extension. */
export const FILE_TYPES: readonly (readonly [ext: string, mime: string])[] = [
  ['pdf', 'application/pdf'],
  ['doc', 'application/msword'],
  ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['odt', 'application/vnd.oasis.opendocument.text'],
  ['txt', 'text/plain'],
  ['png', 'image/png'],
];

/** A plain file name stem: no folders, reserved characters, leading dots or trailing dots and spaces. */
const fileName = vnText(40)
  .map((s) => s.replace(/[/\\<>:"|?*]/g, '-').replace(/^\.+/, '').replace(/[. ]+$/, ''))
  .filter((s) => s.length > 0);
const bytes = fc.uint8Array({ minLength: 1, maxLength: 3000 }).filter((b) => !(b[0] === 0x50 && b[1] === 0x4b));

export const attachments: fc.Arbitrary<Attachment[]> = fc.uniqueArray(
  fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/), fileName, fc.constantFrom(...FILE_TYPES), fc.option(vnText(100), { nil: undefined }), bytes)
    .map(([contentId, stem, [ext, contentType], description, data]) => ({
      contentId,
      name: `${stem}.${ext}`,
      contentType,
      ...(description === undefined ? {} : { description }),
      data,
    })),
  { maxLength: 5, selector: (a) => a.contentId },
);

const otherInfo = someOf({
  priority: fc.integer({ min: 0, max: 4 }),
  sphereOfPromulgation: vnText(100),
  typerNotation: vnText(10),
  promulgationAmount: fc.integer({ min: 0, max: 65535 }),
  pageAmount: fc.integer({ min: 0, max: 65535 }),
  direction: fc.boolean(),
})
  .chain((o) => fc.array(vnText(200), { maxLength: 3 }).map((appendixes) => ({ ...o, appendixes })))
  .filter((o) => Object.keys(o).length > 1 || o.appendixes.length > 0);

const signerInfo = someOf({ competence: fc.constantFrom('KT. BỘ TRƯỞNG', 'TL. CHỦ TỊCH', 'Q. GIÁM ĐỐC', 'TM. ỦY BAN NHÂN DÂN'), position: vnText(60), fullName: vnText(60) }).filter(
  (s) => Object.keys(s).length > 0,
);

/** A valid edoc as the strict writer accepts it, with all defaults present. */
export const edocMessage: fc.Arbitrary<EdocMessage> = fc
  .record({
    from: organization(),
    to: fc.uniqueArray(organization(), { minLength: 1, maxLength: 30, selector: (o) => o.organId }),
    codeNumber,
    codeNotation,
    place: fc.option(vnText(50), { nil: undefined }),
    promulgationDate: pastDate,
    documentType: fc.record({ type: fc.integer({ min: 0, max: 99 }), typeDetail: fc.integer({ min: 0, max: 99 }), typeName: vnText(100) }, { requiredKeys: ['type', 'typeName'] }),
    subject: vnText(500, true),
    content: fc.option(vnText(500, true), { nil: undefined }),
    signerInfo: fc.option(signerInfo, { nil: undefined }),
    dueDate: fc.option(isoDate('2000-01-01', '2035-12-31'), { nil: undefined }),
    toPlaces: fc.array(vnText(150), { maxLength: 4 }),
    otherInfo: fc.option(otherInfo, { nil: undefined }),
    responseFor: fc.array(responseFor, { maxLength: 3 }),
    steeringType: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
    canonicalId: fc.boolean(),
    uuid: fc.uuid(),
    traceHeaders: fc.array(traceHeader, { minLength: 1, maxLength: 3 }),
    business,
    attachments,
  })
  .map((g) => {
    const code = { codeNumber: g.codeNumber, codeNotation: g.codeNotation };
    const m: EdocMessage = {
      kind: 'edoc',
      from: g.from,
      to: g.to,
      code,
      promulgationInfo: g.place === undefined ? { promulgationDate: g.promulgationDate } : { place: g.place, promulgationDate: g.promulgationDate },
      documentType: g.documentType as EdocMessage['documentType'],
      subject: g.subject,
      toPlaces: g.toPlaces,
      responseFor: g.business.businessDocType === 1 && g.responseFor.length === 0 ? [] : g.responseFor,
      documentId: g.canonicalId ? makeDocumentId(g.from.organId, g.promulgationDate, code) : g.uuid,
      traceHeaders: g.traceHeaders,
      business: g.business,
      attachments: g.attachments,
    };
    if (g.content !== undefined) m.content = g.content;
    if (g.signerInfo !== undefined) m.signerInfo = g.signerInfo;
    if (g.dueDate !== undefined) m.dueDate = g.dueDate;
    if (g.otherInfo !== undefined) m.otherInfo = g.otherInfo as EdocMessage['otherInfo'];
    if (g.steeringType !== undefined) m.steeringType = g.steeringType;
    return m;
  })
  .filter((m) => m.business?.businessDocType !== 1 || m.responseFor.length > 0);

/** A valid status report of any code in use (02 always with its reason). */
export const statusMessage: fc.Arbitrary<StatusMessage> = fc
  .record({
    from: organization(),
    responseFor,
    staffInfo: fc.option(staffInfo, { nil: undefined }),
    statusCode: fc.constantFrom(...STATUS_CODE_ORDER),
    description: fc.option(vnText(300, true), { nil: undefined }),
    timestamp,
  })
  .map(({ staffInfo: s, description, ...rest }) => {
    const m: StatusMessage = { kind: 'status', ...rest };
    if (s !== undefined) m.staffInfo = s;
    const reason = description ?? (rest.statusCode === '02' ? 'Từ chối: gửi nhầm đơn vị' : undefined);
    if (reason !== undefined) m.description = reason;
    return m;
  });
