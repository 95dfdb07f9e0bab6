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
/** An organisation as the model holds it (inferred from {@link OrganizationSchema}). */
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
/** The officer who acted (inferred from {@link StaffInfoSchema}). */
export type StaffInfo = z.infer<typeof StaffInfoSchema>;

/** Số và ký hiệu: `7816` and `VPCP-TTĐT`. */
export const DocumentCodeSchema = z.strictObject({
  codeNumber: text,
  codeNotation: text,
});
/** Số và ký hiệu (inferred from {@link DocumentCodeSchema}). */
export type DocumentCode = z.infer<typeof DocumentCodeSchema>;

/** PromulgationInfo: nơi ban hành (Place, optional) and ngày ban hành (PromulgationDate). */
export const PromulgationInfoSchema = z.strictObject({
  place: optText,
  promulgationDate: IsoDateSchema,
});
/** Nơi and ngày ban hành (inferred from {@link PromulgationInfoSchema}). */
export type PromulgationInfo = z.infer<typeof PromulgationInfoSchema>;

/** DocumentType: Type, TypeDetail and TypeName as the sender wrote them. */
export const DocumentTypeSchema = z.strictObject({
  /** Integer; its meaning varies between senders: kept as given. */
  type: int,
  typeDetail: int.optional(),
  /** "Công văn", "Quyết định", … */
  typeName: text,
});
/** The document type as the sender gave it (inferred from {@link DocumentTypeSchema}). */
export type DocumentType = z.infer<typeof DocumentTypeSchema>;

/** SignerInfo: thẩm quyền ký, chức vụ, họ tên of the signer. */
export const SignerInfoSchema = z.strictObject({
  /** Thẩm quyền ký: "TL. BỘ TRƯỞNG", "KT.", "Q." */
  competence: optText,
  position: optText,
  fullName: optText,
});
/** Who signed, with which competence (inferred from {@link SignerInfoSchema}). */
export type SignerInfo = z.infer<typeof SignerInfoSchema>;

/** Priority: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ. */
export const PrioritySchema = int.min(0).max(4);

/** OtherInfo: độ khẩn (Priority), phạm vi lưu hành, ký hiệu người đánh máy, số bản, số trang, Direction, phụ lục. */
export const OtherInfoSchema = z.strictObject({
  priority: PrioritySchema.optional(),
  sphereOfPromulgation: optText,
  typerNotation: optText,
  promulgationAmount: int.min(0).optional(),
  pageAmount: int.min(0).optional(),
  direction: z.boolean().optional(),
  appendixes: z.array(text).default([]),
});
/** Priority, circulation, amounts, appendixes (inferred from {@link OtherInfoSchema}). */
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
/** The document a message answers (inferred from {@link ResponseForSchema}). */
export type ResponseFor = z.infer<typeof ResponseForSchema>;

/** One hop: the sender writes one, the axis appends one per hop. */
export const TraceHeaderSchema = z.strictObject({
  organId: optText,
  timestamp: TimestampSchema,
});
/** One hop of the trace (inferred from {@link TraceHeaderSchema}). */
export type TraceHeader = z.infer<typeof TraceHeaderSchema>;

/** Business operation: 0 new, 1 revoke, 2 update, 3 replace. */
export const BusinessDocTypeSchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);
/** Business operation code: 0 new, 1 revoke, 2 update, 3 replace. */
export type BusinessDocType = z.infer<typeof BusinessDocTypeSchema>;

/** One ReceiverList/Receiver of an update: OrganId and ReceiverType (0 removed, 1 added). */
export const ReceiverChangeSchema = z.strictObject({
  organId: text,
  /** 0 removed, 1 added. */
  receiverType: z.union([z.literal(0), z.literal(1)]),
});
/** A recipient added (1) or removed (0) by an update (inferred from {@link ReceiverChangeSchema}). */
export type ReceiverChange = z.infer<typeof ReceiverChangeSchema>;

/** BussinessDocumentInfo of an update: what changed and which recipients. */
export const BusinessDocumentInfoSchema = z.strictObject({
  /** 1 when the metadata changed. */
  documentInfo: z.union([z.literal(0), z.literal(1)]).optional(),
  /** 1 when the recipients changed. */
  documentReceiver: z.union([z.literal(0), z.literal(1)]).optional(),
  receivers: z.array(ReceiverChangeSchema).default([]),
});
/** What an update changed (inferred from {@link BusinessDocumentInfoSchema}). */
export type BusinessDocumentInfo = z.infer<typeof BusinessDocumentInfoSchema>;

/** ReplacementInfo of a replacement: the replaced DocumentId and its recipients. */
export const ReplacementInfoSchema = z.strictObject({
  /** The replaced document. */
  documentId: text,
  organIds: z.array(text).min(1),
});
/** A document replaced and its recipients (inferred from {@link ReplacementInfoSchema}). */
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
/** The business operation of an edoc (inferred from {@link BusinessSchema}). */
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
/** An attachment as carried on the wire (inferred from {@link AttachmentTransferSchema}). */
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
/** An attached file with its bytes (inferred from {@link AttachmentSchema}). */
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
/** An attached file described without its bytes (inferred from {@link AttachmentInfoSchema}). */
export type AttachmentInfo = z.infer<typeof AttachmentInfoSchema>;

/** What the reader found in `edXMLHeader/Signature`. Verification is `verifyEdxml`'s job. */
export const SignaturePresenceSchema = z.strictObject({
  /** `xmldsig`: a standard XMLDSig element; `qcvn`: the Java library's non-standard element. */
  namespace: z.enum(['xmldsig', 'qcvn']),
});
/** What the reader found of a package signature (inferred from {@link SignaturePresenceSchema}). */
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
/** An official document package (inferred from {@link EdocMessageSchema}). */
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
/** A processing report package (inferred from {@link StatusMessageSchema}). */
export type StatusMessage = z.infer<typeof StatusMessageSchema>;
/** What a caller may give the writer for a status: the Timestamp is filled in when absent. */
export type StatusMessageInput = Omit<z.input<typeof StatusMessageSchema>, 'timestamp'> & {
  timestamp?: string;
};

/** Either kind of package, discriminated by `kind`. */
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
/** A status as `parseEdxml` returns it, with the warnings. */
export type ParsedStatus = StatusMessage & { readonly warnings: EdxmlWarning[] };
/** What `parseEdxml` returns: either kind, with the warnings. */
export type ParsedEdxml = ParsedEdoc | ParsedStatus;

function isRealDate(s: string): boolean {
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (!(m >= 1 && m <= 12 && d >= 1)) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}
