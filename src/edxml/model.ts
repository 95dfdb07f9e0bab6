/**
 * The edXML model (QCVN 102:2016 as the national axis carries it), as zod schemas with the
 * TypeScript types inferred from them. Field names are the camelCase model column of the
 * spec; dates are ISO `YYYY-MM-DD`; timestamps `YYYY-MM-DDTHH:mm:ss+07:00` (Vietnam time).
 *
 * These schemas describe the *shape* of a message. They accept what real traffic contains
 * (any agency id string, any status code string). The stricter rules the writer applies
 * (identifier format, length limits, dates not in the future) live in `validate.ts` and are
 * reported as issues, so that a reader can warn where a writer refuses.
 * @module
 */
import { z } from 'zod';

/** Calendar date `YYYY-MM-DD` that exists (no 2024-02-30). */
export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(isRealDate, 'not a calendar date');

/** Local Vietnam timestamp `YYYY-MM-DDTHH:mm:ss+07:00`. */
export const TimestampSchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\+07:00$/,
    'expected a timestamp YYYY-MM-DDTHH:mm:ss+07:00',
  )
  .refine((s) => isRealDate(s.slice(0, 10)), 'not a calendar date');

const text = z.string().min(1);
const optText = z.string().min(1).optional();
const int = z.number().int();

/** An organisation: the issuing body (`From`), a recipient (`To`), a reporter. */
export const OrganizationSchema = z.strictObject({
  /** Mã định danh, e.g. `000.00.00.G22`. */
  organId: text,
  /** Required when writing; some axis deliveries omit it, so the reader accepts its absence. */
  organName: optText,
  organizationInCharge: optText,
  organAdd: optText,
  email: optText,
  telephone: optText,
  fax: optText,
  website: optText,
});
export type Organization = z.infer<typeof OrganizationSchema>;

/** The officer who acted (StaffInfo). */
export const StaffInfoSchema = z.strictObject({
  department: optText,
  departmentId: optText,
  staff: optText,
  staffId: optText,
  email: optText,
  mobile: optText,
});
export type StaffInfo = z.infer<typeof StaffInfoSchema>;

/** Số và ký hiệu: `7816` and `VPCP-TTĐT`. */
export const DocumentCodeSchema = z.strictObject({
  codeNumber: text,
  codeNotation: text,
});
export type DocumentCode = z.infer<typeof DocumentCodeSchema>;

export const PromulgationInfoSchema = z.strictObject({
  place: optText,
  promulgationDate: IsoDateSchema,
});
export type PromulgationInfo = z.infer<typeof PromulgationInfoSchema>;

export const DocumentTypeSchema = z.strictObject({
  /** Integer; its meaning varies between senders: kept as given. */
  type: int,
  typeDetail: int.optional(),
  /** "Công văn", "Quyết định", … */
  typeName: text,
});
export type DocumentType = z.infer<typeof DocumentTypeSchema>;

export const SignerInfoSchema = z.strictObject({
  /** Thẩm quyền ký: "TL. BỘ TRƯỞNG", "KT.", "Q." */
  competence: optText,
  position: optText,
  fullName: optText,
});
export type SignerInfo = z.infer<typeof SignerInfoSchema>;

/** Priority: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ. */
export const PrioritySchema = int.min(0).max(4);

export const OtherInfoSchema = z.strictObject({
  priority: PrioritySchema.optional(),
  sphereOfPromulgation: optText,
  typerNotation: optText,
  promulgationAmount: int.min(0).optional(),
  pageAmount: int.min(0).optional(),
  direction: z.boolean().optional(),
  appendixes: z.array(text).default([]),
});
export type OtherInfo = z.infer<typeof OtherInfoSchema>;

/** The document a message answers, revokes or reports on. */
export const ResponseForSchema = z.strictObject({
  /** The issuer of that document. */
  organId: text,
  /** `Number/Notation`, e.g. `7816/VPCP-TTĐT`. */
  code: text,
  promulgationDate: IsoDateSchema.optional(),
  documentId: text,
});
export type ResponseFor = z.infer<typeof ResponseForSchema>;

/** One hop: the sender writes one, the axis appends one per hop. */
export const TraceHeaderSchema = z.strictObject({
  organId: optText,
  timestamp: TimestampSchema,
});
export type TraceHeader = z.infer<typeof TraceHeaderSchema>;

/** Business operation: 0 new, 1 revoke, 2 update, 3 replace. */
export const BusinessDocTypeSchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);
export type BusinessDocType = z.infer<typeof BusinessDocTypeSchema>;

export const ReceiverChangeSchema = z.strictObject({
  organId: text,
  /** 0 removed, 1 added. */
  receiverType: z.union([z.literal(0), z.literal(1)]),
});
export type ReceiverChange = z.infer<typeof ReceiverChangeSchema>;

export const BusinessDocumentInfoSchema = z.strictObject({
  /** 1 when the metadata changed. */
  documentInfo: z.union([z.literal(0), z.literal(1)]).optional(),
  /** 1 when the recipients changed. */
  documentReceiver: z.union([z.literal(0), z.literal(1)]).optional(),
  receivers: z.array(ReceiverChangeSchema).default([]),
});
export type BusinessDocumentInfo = z.infer<typeof BusinessDocumentInfoSchema>;

export const ReplacementInfoSchema = z.strictObject({
  /** The replaced document. */
  documentId: text,
  organIds: z.array(text).min(1),
});
export type ReplacementInfo = z.infer<typeof ReplacementInfoSchema>;

/** `TraceHeaderList/Bussiness` (sic): the business operation. */
export const BusinessSchema = z.strictObject({
  businessDocType: BusinessDocTypeSchema,
  businessDocReason: optText,
  /** The revoked / updated document. */
  documentId: optText,
  /** 1: a paper copy follows. */
  paper: z.union([z.literal(0), z.literal(1)]).optional(),
  staffInfo: z.array(StaffInfoSchema).default([]),
  businessDocumentInfo: BusinessDocumentInfoSchema.optional(),
  replacementInfo: z.array(ReplacementInfoSchema).default([]),
});
export type Business = z.infer<typeof BusinessSchema>;

/** The bytes as carried on the wire, when they differ from the file the sender meant. */
export const AttachmentTransferSchema = z.strictObject({
  /** `Attachment/ContentType` as sent. */
  contentType: text,
  /** True when the file travelled inside a one-entry ZIP that the reader unwrapped. */
  wrapped: z.boolean(),
  /** Size in bytes of the decoded transfer form. */
  size: int.min(0),
  /** Lowercase hex SHA-256 of the decoded transfer form. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AttachmentTransfer = z.infer<typeof AttachmentTransferSchema>;

/** One attached file, as the sender meant it. */
export const AttachmentSchema = z.strictObject({
  /** Binds the manifest Reference and the Attachment; written without `cid:`. */
  contentId: text,
  /** The original file name (never a path). */
  name: text,
  description: optText,
  /** MIME type of the file, e.g. `application/pdf`. */
  contentType: text,
  data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected the file bytes (a Uint8Array or Buffer)'),
  /** Set by the reader: the transfer form. Ignored by the writer. */
  transfer: AttachmentTransferSchema.optional(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

/** Metadata of an attachment without its bytes (streamed reads, `vdxp inspect --json`). */
export const AttachmentInfoSchema = z.strictObject({
  contentId: text,
  name: text,
  description: optText,
  contentType: text,
  /** Size of the file as the sender meant it. */
  size: int.min(0),
  /** SHA-256 (hex) of the file as the sender meant it. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  transfer: AttachmentTransferSchema,
});
export type AttachmentInfo = z.infer<typeof AttachmentInfoSchema>;

/** What the reader found in `edXMLHeader/Signature`. Verification is `verifyEdxml`'s job. */
export const SignaturePresenceSchema = z.strictObject({
  /** `xmldsig`: a standard XMLDSig element; `qcvn`: the Java library's non-standard element. */
  namespace: z.enum(['xmldsig', 'qcvn']),
});
export type SignaturePresence = z.infer<typeof SignaturePresenceSchema>;

/** An official document (văn bản điện tử), also carrying revoke / update / replace. */
export const EdocMessageSchema = z.strictObject({
  kind: z.literal('edoc'),
  from: OrganizationSchema,
  to: z.array(OrganizationSchema).min(1),
  code: DocumentCodeSchema,
  promulgationInfo: PromulgationInfoSchema,
  documentType: DocumentTypeSchema,
  /** Trích yếu. */
  subject: text,
  content: optText,
  signerInfo: SignerInfoSchema.optional(),
  /** Hạn xử lý. */
  dueDate: IsoDateSchema.optional(),
  /** Nơi nhận, free text. */
  toPlaces: z.array(text).default([]),
  otherInfo: OtherInfoSchema.optional(),
  responseFor: z.array(ResponseForSchema).default([]),
  steeringType: int.optional(),
  /** `<issuer>,<yyyy/MM/dd>,<Number>/<Notation>`; any string on read. */
  documentId: text,
  traceHeaders: z.array(TraceHeaderSchema).default([]),
  business: BusinessSchema.optional(),
  attachments: z.array(AttachmentSchema).default([]),
  signature: SignaturePresenceSchema.optional(),
});
export type EdocMessage = z.infer<typeof EdocMessageSchema>;
/** What a caller may give the writer: defaults (arrays, DocumentId, trace, business) are filled in. */
export type EdocMessageInput = Omit<
  z.input<typeof EdocMessageSchema>,
  'kind' | 'documentId' | 'traceHeaders'
> & {
  kind?: 'edoc';
  documentId?: string;
  traceHeaders?: z.input<typeof TraceHeaderSchema>[];
};

/** A processing report about a document someone sent. */
export const StatusMessageSchema = z.strictObject({
  kind: z.literal('status'),
  /** Who reports (normally the recipient of the document). */
  from: OrganizationSchema,
  /** The document reported on; the axis routes by its `organId`. */
  responseFor: ResponseForSchema,
  staffInfo: StaffInfoSchema.optional(),
  /** Two digits, see `STATUS_CODES`; unknown codes are kept as read and flagged. */
  statusCode: z.string().regex(/^\d{1,3}$/, 'expected a numeric status code such as 01'),
  description: optText,
  timestamp: TimestampSchema,
});
export type StatusMessage = z.infer<typeof StatusMessageSchema>;
export type StatusMessageInput = Omit<z.input<typeof StatusMessageSchema>, 'timestamp'> & {
  timestamp?: string;
};

export const EdxmlMessageSchema = z.discriminatedUnion('kind', [EdocMessageSchema, StatusMessageSchema]);
/** Either kind of package, discriminated by `kind`. */
export type EdxmlMessage = EdocMessage | StatusMessage;

/** A non-fatal finding of the reader. */
export interface EdxmlWarning {
  /** Stable code, e.g. `date_format`, `agency_id_format`, `unknown_status_code`. */
  readonly code: string;
  /** XML path or model path it concerns. */
  readonly path: string;
  readonly message: string;
}

/** What `parseEdxml` returns: the model plus the reader's warnings. */
export type ParsedEdoc = EdocMessage & { readonly warnings: EdxmlWarning[] };
export type ParsedStatus = StatusMessage & { readonly warnings: EdxmlWarning[] };
export type ParsedEdxml = ParsedEdoc | ParsedStatus;

function isRealDate(s: string): boolean {
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (!(m >= 1 && m <= 12 && d >= 1)) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}
