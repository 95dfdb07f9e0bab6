/**
 * The routes of the agent's HTTP API. Each one parses its input with zod and calls the
 * connector's public methods; nothing here keeps state of its own.
 *
 * | Route | |
 * |---|---|
 * | `POST /documents` | send: the edoc model, attachments as `{ name, contentBase64, contentType?, description? }`; `Idempotency-Key` header optional |
 * | `GET /documents/:id` | tracking of a DocumentId (or an outbox id) |
 * | `POST /received/:id/status` | report 02–06: `{ code, staff?, description? }` |
 * | `GET /requests?state=open` | requests (take-back, revoke, update) received |
 * | `POST /requests/:id/answer` | `{ answer: "agree" \| "refuse", reason?, staff? }` (15 / 16) |
 * | `GET /reports/compliance?from&to&unit&format=json\|csv\|html` | the compliance report |
 * | `GET /health` | no token needed |
 * | `GET /metrics` | Prometheus text |
 * @module
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { AgentApiError, ConnectorError, issuesFromZod } from '../errors.js';
import { contentTypeFromName } from '../edxml/content-type.js';
import { StaffInfoSchema } from '../edxml/model.js';
import type { Connector } from '../connector/connector.js';
import { complianceReportToCsv } from '../connector/compliance-csv.js';
import { complianceReportToHtml } from '../connector/compliance-html.js';
import type { Store } from '../store/store.js';

/** What the routes work with. */
export interface ApiContext {
  readonly connector: Connector;
  readonly store: Store;
  /** Prometheus text. */
  metrics(): Promise<string>;
  /** The `GET /health` body. */
  health(): Promise<Record<string, unknown>>;
}

/** A request as a route sees it. */
export interface ApiRequest {
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The JSON body (read on demand, size-limited). */
  body(): Promise<unknown>;
}

/** A route's answer: JSON, or text with a content type. */
export interface ApiReply {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

type Handler = (req: ApiRequest, ctx: ApiContext) => Promise<ApiReply>;

interface Route {
  readonly method: string;
  /** Literal segments, `:param` for a parameter. */
  readonly pattern: readonly string[];
  readonly handler: Handler;
  readonly public?: boolean;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new AgentApiError('VDXP_AGENT_BAD_REQUEST', 400, `${what}: invalid`, { issues: issuesFromZod(r.error.issues) });
  return r.data;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/, 'expected base64');
const ApiAttachmentSchema = z.strictObject({
  name: z.string().min(1),
  contentBase64: base64,
  contentType: z.string().min(1).optional(),
  description: z.string().min(1).optional(),
  contentId: z.string().min(1).optional(),
});
/** The body of `POST /documents`: the edoc model (checked in full by the connector) with base64 attachments. */
const SendBodySchema = z.looseObject({ attachments: z.array(ApiAttachmentSchema).default([]) });
const ReportBodySchema = z.strictObject({
  code: z.enum(['02', '03', '04', '05', '06']),
  staff: StaffInfoSchema.optional(),
  description: z.string().min(1).optional(),
});
const AnswerBodySchema = z.strictObject({
  answer: z.enum(['agree', 'refuse']),
  reason: z.string().min(1).optional(),
  staff: StaffInfoSchema.optional(),
});
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/, 'expected YYYY-MM-DD or an ISO 8601 time');
const ReportQuerySchema = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  unit: z.enum(['day', 'week', 'month']).optional(),
  format: z.enum(['json', 'csv', 'html']).default('json'),
  lang: z.enum(['vi', 'en']).optional(),
});

const sendDocument: Handler = async (req, ctx) => {
  const { attachments, ...model } = parse(SendBodySchema, await req.body(), 'document');
  const key = req.headers['idempotency-key'];
  const outboxId = typeof key === 'string' && key.length > 0 ? `api-${createHash('sha256').update(key).digest('hex').slice(0, 40)}` : undefined;
  const send = ctx.connector.send(
    {
      ...(model as Record<string, unknown>),
      attachments: attachments.map((a, i) => ({
        contentId: a.contentId ?? `att${i + 1}`,
        name: a.name,
        contentType: a.contentType ?? contentTypeFromName(a.name) ?? 'application/octet-stream',
        ...(a.description ? { description: a.description } : {}),
        data: new Uint8Array(Buffer.from(a.contentBase64, 'base64')),
      })),
    } as Parameters<Connector['send']>[0],
    outboxId ? { outboxId } : {},
  );
  const handle = await send.catch((e: unknown) => {
    // a sender that is not one of the agent's agencies is a bad request, not a missing resource
    if (e instanceof ConnectorError && e.code === 'VDXP_CONNECTOR_NOT_FOUND') {
      throw new AgentApiError('VDXP_AGENT_BAD_REQUEST', 400, e.message, { cause: e, issues: [{ code: 'unknown_agency', path: 'from.organId', message: e.message }] });
    }
    throw e;
  });
  const entry = await ctx.store.getOutbox(handle.outboxId);
  return { status: 202, json: { documentId: handle.documentId, outboxId: handle.outboxId, state: entry?.state ?? 'pending' } };
};

const tracking: Handler = async (req, ctx) => {
  const id = req.params[0]!;
  const byOutbox = await ctx.store.getOutbox(id);
  const documentId = byOutbox?.messageType === 'edoc' ? byOutbox.documentId : id;
  const t = await ctx.connector.tracking(documentId);
  if (t.sent.length === 0 && t.received.length === 0) throw new AgentApiError('VDXP_AGENT_NOT_FOUND', 404, `no document ${documentId}`);
  return { status: 200, json: t };
};

const reportStatus: Handler = async (req, ctx) => {
  const body = parse(ReportBodySchema, await req.body(), 'status');
  const r = await ctx.connector.report(req.params[0]!, body.code, { ...(body.staff ? { staff: body.staff } : {}), ...(body.description ? { description: body.description } : {}) });
  return { status: 200, json: { inboxId: r.inboxId, documentId: r.documentId, code: r.code, outboxId: r.outboxId, repeated: r.repeated } };
};

const listRequests: Handler = async (req, ctx) => {
  const state = parse(z.enum(['open', 'agreed', 'refused']).optional(), req.query.get('state') ?? undefined, 'state');
  return { status: 200, json: { requests: await ctx.connector.decisions(state ? { state } : {}) } };
};

const answerRequest: Handler = async (req, ctx) => {
  const body = parse(AnswerBodySchema, await req.body(), 'answer');
  const r = await ctx.connector.answer(req.params[0]!, body.answer, body.reason, body.staff ? { staff: body.staff } : {});
  return { status: 200, json: { decision: r.decision, withdrawn: r.withdrawn, documentId: r.documentId, outboxId: r.outboxId } };
};

const compliance: Handler = async (req, ctx) => {
  const q = parse(ReportQuerySchema, Object.fromEntries(req.query), 'query');
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * 86_400_000);
  const report = await ctx.connector.complianceReport({ from, to, ...(q.unit ? { unit: q.unit } : {}) });
  if (q.format === 'csv') return { status: 200, text: complianceReportToCsv(report), contentType: 'text/csv; charset=utf-8' };
  if (q.format === 'html') return { status: 200, text: complianceReportToHtml(report, q.lang ? { lang: q.lang } : {}), contentType: 'text/html; charset=utf-8' };
  return { status: 200, json: report };
};

const ROUTES: readonly Route[] = [
  { method: 'POST', pattern: ['documents'], handler: sendDocument },
  { method: 'GET', pattern: ['documents', ':id'], handler: tracking },
  { method: 'POST', pattern: ['received', ':id', 'status'], handler: reportStatus },
  { method: 'GET', pattern: ['requests'], handler: listRequests },
  { method: 'POST', pattern: ['requests', ':id', 'answer'], handler: answerRequest },
  { method: 'GET', pattern: ['reports', 'compliance'], handler: compliance },
  { method: 'GET', pattern: ['health'], handler: async (_r, ctx) => ({ status: 200, json: await ctx.health() }), public: true },
  { method: 'GET', pattern: ['metrics'], handler: async (_r, ctx) => ({ status: 200, text: await ctx.metrics(), contentType: 'text/plain; version=0.0.4; charset=utf-8' }) },
];

function matches(pattern: readonly string[], segments: readonly string[]): string[] | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: string[] = [];
  for (const [i, p] of pattern.entries()) {
    if (p.startsWith(':')) params.push(segments[i]!);
    else if (p !== segments[i]) return undefined;
  }
  return params;
}

/**
 * The route for a method and decoded path segments.
 * @throws {AgentApiError} VDXP_AGENT_NOT_FOUND (404) or VDXP_AGENT_METHOD (405, with the allowed methods)
 */
export function matchRoute(method: string, segments: readonly string[]): { handler: Handler; params: string[]; public?: boolean } {
  const found = ROUTES.map((r) => ({ r, params: matches(r.pattern, segments) })).filter((x) => x.params !== undefined);
  if (found.length === 0) throw new AgentApiError('VDXP_AGENT_NOT_FOUND', 404, `no route /${segments.join('/')}`);
  const hit = found.find((x) => x.r.method === method || (method === 'HEAD' && x.r.method === 'GET'));
  if (!hit) throw new AgentApiError('VDXP_AGENT_METHOD', 405, `${method} is not allowed here; use ${found.map((x) => x.r.method).join(', ')}`);
  return { handler: hit.r.handler, params: hit.params!, ...(hit.r.public ? { public: true } : {}) };
}
