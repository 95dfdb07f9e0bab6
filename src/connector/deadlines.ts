/**
 * Deadlines of `workflow.md` section 3: when each stage of a document's trail is due, and
 * which trails are overdue now or were done late.
 *
 * - Receipt (Nghị định 30/2020, Art. 20–21): a received electronic document is registered and
 *   the sender notified on the same working day; one arriving after working hours (or on a
 *   day off) on the next working day. This is the default for statuses 01 and 03 of ordinary
 *   documents.
 * - Urgent documents (khẩn 1, thượng khẩn 2, hỏa tốc 3, hỏa tốc hẹn giờ 4) "immediately":
 *   a short configurable duration, by default 2 working hours, 1 working hour for hỏa tốc.
 * - Finished (06): the document's own DueDate when it has one (it always wins), otherwise
 *   the configured rule (by default none).
 *
 * The clock starts when the axis accepted the package (sent side) or when it was stored
 * here (received side).
 * @module
 */
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../errors.js';
import { toVietnamTimestamp } from '../edxml/vietnam-time.js';
import type { ReceivedDocumentTracking, SentDocumentTracking } from './tracking-types.js';
import { calendarFrom, IsoCalendarDateSchema, workingCalendarFields, type WorkingCalendar } from './working-calendar.js';
import { STAGES, stageReachedMs, trailRecords, type Stage, type TrailRecord } from './trail-stages.js';

const DAY_MS = 86_400_000;
const OFFSET_MS = 7 * 3_600_000;

/** A duration: working hours, working days (of working hours), or wall-clock hours. */
export const DeadlineDurationSchema = z.union([
  z.strictObject({ workingHours: z.number().positive() }),
  z.strictObject({ workingDays: z.number().positive() }),
  z.strictObject({ hours: z.number().positive() }),
]);
/** A duration of {@link DeadlineDurationSchema}. */
export type DeadlineDuration = z.infer<typeof DeadlineDurationSchema>;

/**
 * How a stage's deadline is set: `'same-working-day'` (end of the working day of arrival,
 * the next working day's end after hours), `'immediately'` (the priority's short duration
 * from `immediately`), `'due-date'` (the document's DueDate, none without one), `'none'`,
 * or a duration counted from arrival.
 */
export const DeadlineRuleSchema = z.union([z.enum(['same-working-day', 'immediately', 'due-date', 'none']), DeadlineDurationSchema]);
/** A rule of {@link DeadlineRuleSchema}. */
export type DeadlineRule = z.infer<typeof DeadlineRuleSchema>;

const perPriority = z.strictObject({
  '0': DeadlineRuleSchema.optional(),
  '1': DeadlineRuleSchema.optional(),
  '2': DeadlineRuleSchema.optional(),
  '3': DeadlineRuleSchema.optional(),
  '4': DeadlineRuleSchema.optional(),
});

/**
 * The deadline policy: the working calendar, the receipt rule, what "immediately" means per
 * urgent priority, and per-stage, per-priority rules that override the defaults.
 *
 * Defaults: 01 and 03 — priority 0 the `receipt` rule, priorities 1–4 `'immediately'`;
 * 06 — `'due-date'` for every priority.
 */
export const DeadlinePolicySchema = z.strictObject({
  ...workingCalendarFields,
  /** The receipt rule for ordinary documents (01 and 03). @defaultValue `'same-working-day'` */
  receipt: z.literal('same-working-day').default('same-working-day'),
  /**
   * "Immediately" per urgent priority (priority 0 given `'immediately'` uses priority 1's).
   * @defaultValue `{ 1: { workingHours: 2 }, 2: { workingHours: 2 }, 3: { workingHours: 1 }, 4: { workingHours: 1 } }`
   */
  immediately: z
    .strictObject({
      '1': DeadlineDurationSchema.default({ workingHours: 2 }),
      '2': DeadlineDurationSchema.default({ workingHours: 2 }),
      '3': DeadlineDurationSchema.default({ workingHours: 1 }),
      '4': DeadlineDurationSchema.default({ workingHours: 1 }),
    })
    .default({ '1': { workingHours: 2 }, '2': { workingHours: 2 }, '3': { workingHours: 1 }, '4': { workingHours: 1 } }),
  /** Per-stage, per-priority overrides: `{ '03': { 0: { workingDays: 1 } } }`. @defaultValue `{}` */
  stages: z
    .strictObject({ '01': perPriority.optional(), '03': perPriority.optional(), '06': perPriority.optional() })
    .default({}),
});

/** The deadline policy as callers write it (every field optional). */
export type DeadlinePolicy = z.input<typeof DeadlinePolicySchema>;
/** The priorities 0–4 as keys. */
export type PriorityKey = '0' | '1' | '2' | '3' | '4';
/** The deadline policy with defaults applied and every stage rule filled in. */
export type ResolvedDeadlinePolicy = Omit<z.output<typeof DeadlinePolicySchema>, 'stages'> & {
  readonly stages: Readonly<Record<Stage, Readonly<Record<PriorityKey, DeadlineRule>>>>;
};

const PRIORITY_KEYS: readonly PriorityKey[] = ['0', '1', '2', '3', '4'];

/**
 * Validates a deadline policy and fills in every default.
 * @throws {ConfigError} VDXP_CONFIG_INVALID naming each bad field
 * @example
 * ```ts
 * const p = resolveDeadlinePolicy({ holidays: ['2025-09-02'], stages: { '06': { 0: { workingDays: 10 } } } });
 * p.stages['03']['3']; // 'immediately'
 * ```
 */
export function resolveDeadlinePolicy(policy: DeadlinePolicy = {}): ResolvedDeadlinePolicy {
  const parsed = DeadlinePolicySchema.safeParse(policy);
  if (!parsed.success) throw new ConfigError('DeadlinePolicy', issuesFromZod(parsed.error.issues), { cause: parsed.error });
  const p = parsed.data;
  const fill = (stage: Stage): Record<PriorityKey, DeadlineRule> => {
    const given = p.stages[stage] ?? {};
    const out = {} as Record<PriorityKey, DeadlineRule>;
    for (const k of PRIORITY_KEYS) {
      const fallback: DeadlineRule = stage === '06' ? 'due-date' : k === '0' ? p.receipt : 'immediately';
      out[k] = given[k] ?? fallback;
    }
    return out;
  };
  return { ...p, stages: { '01': fill('01'), '03': fill('03'), '06': fill('06') } };
}

/** A trail whose stage is past its due time and not done (neither refused nor withdrawn). */
export interface OverdueItem {
  /** `sent`: a recipient has not reported it; `received`: this system has not. */
  readonly side: 'sent' | 'received';
  readonly documentId: string;
  /** The recipient (sent side) or the sender (received side), agency id. */
  readonly counterpart: string;
  readonly stage: Stage;
  /** When it was due, Vietnam time `YYYY-MM-DDTHH:mm:ss+07:00`. */
  readonly dueAt: string;
  /** How long past due at `now`. */
  readonly overdueByMs: number;
  /** The document's priority 0–4. */
  readonly priority: number;
}

/** A stage reported after its due time (in reports; no longer overdue). */
export interface LateItem {
  readonly side: 'sent' | 'received';
  readonly documentId: string;
  readonly counterpart: string;
  readonly stage: Stage;
  /** Vietnam time. */
  readonly dueAt: string;
  /** When the stage was reached, Vietnam time. */
  readonly doneAt: string;
  readonly lateByMs: number;
  readonly priority: number;
}

/** Computes due times with one resolved policy. @internal */
export interface DeadlineClock {
  readonly policy: ResolvedDeadlinePolicy;
  readonly calendar: WorkingCalendar;
  /** When `stage` of this trail is due (UTC ms), or undefined when it has no deadline. */
  dueMs(record: TrailRecord, stage: Stage): number | undefined;
}

/** @internal */
export function deadlineClock(policy: DeadlinePolicy = {}): DeadlineClock {
  const resolved = resolveDeadlinePolicy(policy);
  const calendar = calendarFrom(resolved);
  const afterDuration = (start: Date, d: DeadlineDuration): number => {
    if ('workingHours' in d) return calendar.addWorkingHours(start, d.workingHours).getTime();
    if ('workingDays' in d) return calendar.addWorkingDays(start, d.workingDays).getTime();
    return start.getTime() + d.hours * 3_600_000;
  };
  return {
    policy: resolved,
    calendar,
    dueMs(record, stage) {
      if (stage === '06' && record.dueDate !== undefined) {
        const due = endOfDueDate(record.dueDate);
        if (due !== undefined) return due;
      }
      const key = String(Math.min(4, Math.max(0, Math.trunc(record.priority) || 0))) as PriorityKey;
      const rule = resolved.stages[stage][key];
      const start = new Date(record.startMs);
      if (rule === 'none' || rule === 'due-date') return undefined;
      if (rule === 'same-working-day') return calendar.endOfWorkingDay(start).getTime();
      if (rule === 'immediately') return afterDuration(start, resolved.immediately[key === '0' ? '1' : key]);
      return afterDuration(start, rule);
    },
  };
}

/** The end of a DueDate (`YYYY-MM-DD`, the whole day in Vietnam; a full timestamp as given). */
function endOfDueDate(dueDate: string): number | undefined {
  if (IsoCalendarDateSchema.safeParse(dueDate).success) return Date.parse(`${dueDate}T00:00:00Z`) + DAY_MS - OFFSET_MS;
  const t = Date.parse(dueDate);
  return Number.isFinite(t) ? t : undefined;
}

interface Outcome {
  readonly record: TrailRecord;
  readonly stage: Stage;
  readonly dueMs: number;
  readonly doneMs: number | undefined;
}

/** Every (trail, stage) with a deadline. @internal */
export function deadlineOutcomes(records: readonly TrailRecord[], clock: DeadlineClock): Outcome[] {
  const out: Outcome[] = [];
  for (const record of records) {
    for (const stage of STAGES) {
      const dueMs = clock.dueMs(record, stage);
      if (dueMs !== undefined) out.push({ record, stage, dueMs, doneMs: stageReachedMs(record.events, stage) });
    }
  }
  return out;
}

/** What an overdue and a late item share: the stage, its due time, and fields `extend` adds. */
function itemOf<E extends object>(o: Outcome, extend: ((record: TrailRecord) => E) | undefined) {
  return {
    ...(extend ? extend(o.record) : ({} as E)),
    side: o.record.side,
    documentId: o.record.documentId,
    counterpart: o.record.counterpart,
    stage: o.stage,
    dueAt: toVietnamTimestamp(new Date(o.dueMs)),
    priority: o.record.priority,
  };
}

/**
 * Overdue items among outcomes, oldest due first; `extend` adds fields from the trail.
 * @internal
 */
export function overdueOf<E extends object = Record<never, never>>(outcomes: readonly Outcome[], nowMs: number, extend?: (record: TrailRecord) => E): (OverdueItem & E)[] {
  const items: (OverdueItem & E)[] = [];
  for (const o of outcomes) {
    if (o.doneMs !== undefined || o.record.refusal || o.record.withdrawn || nowMs <= o.dueMs) continue;
    items.push({ ...itemOf(o, extend), overdueByMs: nowMs - o.dueMs });
  }
  return items.sort(byDueThenId);
}

/** Late items among outcomes, oldest due first; `extend` adds fields from the trail. @internal */
export function lateOf<E extends object = Record<never, never>>(outcomes: readonly Outcome[], extend?: (record: TrailRecord) => E): (LateItem & E)[] {
  const items: (LateItem & E)[] = [];
  for (const o of outcomes) {
    if (o.doneMs === undefined || o.doneMs <= o.dueMs) continue;
    items.push({ ...itemOf(o, extend), doneAt: toVietnamTimestamp(new Date(o.doneMs)), lateByMs: o.doneMs - o.dueMs });
  }
  return items.sort(byDueThenId);
}

function byDueThenId(a: { dueAt: string; documentId: string; counterpart: string; stage: string }, b: typeof a): number {
  return compareText(a.dueAt, b.dueAt) || compareText(a.documentId, b.documentId) || compareText(a.counterpart, b.counterpart) || compareText(a.stage, b.stage);
}

/** Code-unit order (stable across locales, and fast). @internal */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The trails that are overdue at `now`: for `sent`, a recipient that has not reported the
 * stage by its due time; for `received`, this system has not. Trails refused (02) or
 * withdrawn (15) are never overdue; a stage done late is no longer overdue (see {@link findLate}).
 * One item per stage: a silent recipient can be overdue for 01 and 03 at once.
 *
 * @throws {ConfigError} VDXP_CONFIG_INVALID for a bad policy
 * @example
 * ```ts
 * for (const item of findOverdue({ sent, received }, { holidays }, new Date())) alert(item);
 * ```
 */
export function findOverdue(
  records: { readonly sent?: readonly SentDocumentTracking[]; readonly received?: readonly ReceivedDocumentTracking[] },
  policy: DeadlinePolicy = {},
  now: Date = new Date(),
): OverdueItem[] {
  return overdueOf(deadlineOutcomes(trailRecords(records), deadlineClock(policy)), now.getTime());
}

/**
 * The stages reached after their due time (a refused or withdrawn trail included, for what it
 * did report).
 * @throws {ConfigError} VDXP_CONFIG_INVALID for a bad policy
 * @example
 * ```ts
 * findLate({ received }, {}).filter((l) => l.stage === '03');
 * ```
 */
export function findLate(
  records: { readonly sent?: readonly SentDocumentTracking[]; readonly received?: readonly ReceivedDocumentTracking[] },
  policy: DeadlinePolicy = {},
): LateItem[] {
  return lateOf(deadlineOutcomes(trailRecords(records), deadlineClock(policy)));
}
