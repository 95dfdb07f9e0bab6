/**
 * The directory operations of {@link LocalAxis}: lists, QĐ 20 list, unit synchronisation,
 * register and delete agencies.
 * @module
 */
import { agencyLevel } from '../edxml/agency-id.js';
import { formatAxisDate } from '../transport/requests.js';
import { DESC, ERROR_CODE, fail, ok, type AxisCall, type AxisReply } from './axis-answer.js';
import type { AgencyRecord, AxisState } from './axis-state.js';

/** Directory operations. */
export class AxisDirectory {
  readonly #state: AxisState;

  constructor(state: AxisState) {
    this.#state = state;
  }

  /** `POST /getAgenciesList`: every unit (systems' own ids included); `data` always present. */
  getAgenciesList(): AxisReply {
    return ok({
      data: this.#state.agencies().map((a) => ({ id: String(a.id), pid: this.#pid(a), code: a.code, name: a.name, mail: a.mail, oldCode: a.oldCode ?? '' })),
    });
  }

  /** `POST /getAgenciesListQD20`: units of one level (all when `level` is absent). */
  getAgenciesListQD20(call: AxisCall): AxisReply {
    const level = call.param('level');
    if (level !== undefined && !/^\d+$/.test(level.trim())) return fail(ERROR_CODE.invalid, DESC.badParam('level', level), { data: [] });
    const rows = this.#state
      .agencies()
      .filter((a) => level === undefined || this.#level(a) === Number(level))
      .map((a) => ({ id: String(a.id), code: a.code, name: a.name, mail: a.mail, code102: a.code102 ?? a.code }));
    return ok({ data: rows });
  }

  /** `POST /getSynchronizeUnit`: every unit, deleted ones too, with versions. */
  getSynchronizeUnit(): AxisReply {
    return ok({
      data: this.#state.agencies({ includeDeleted: true }).map((a) => ({
        id: String(a.id), pid: this.#pid(a), code: a.code, name: a.name, mail: a.mail, version: a.version,
        centerCode: a.systemId, deleted: a.deleted, modifyDate: formatAxisDate(new Date(a.modifiedAt)), isAgency: true,
      })),
    });
  }

  /** `POST /registerAgency`: registers or updates a unit under one of the caller's units. */
  async registerAgency(call: AxisCall): Promise<AxisReply> {
    let body: Record<string, unknown>;
    try {
      const v: unknown = JSON.parse(call.body.toString('utf8') || '{}');
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
      body = v as Record<string, unknown>;
    } catch {
      return fail(ERROR_CODE.invalid, DESC.badAgencyData('noi dung khong phai JSON'));
    }
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : typeof body[k] === 'number' ? String(body[k]) : '');
    const code = str('code');
    const name = str('name');
    const pcode = str('pcode') || call.systemId;
    if (!code || !/^[^\s;"]+$/.test(code)) return fail(ERROR_CODE.invalid, DESC.badAgencyData('code'));
    if (!name) return fail(ERROR_CODE.invalid, DESC.badAgencyData('name'));
    if (this.#state.systemServing(pcode) !== call.systemId) return fail(ERROR_CODE.forbidden, DESC.parentNotServed(pcode, call.systemId));
    const existing = this.#state.agency(code);
    if (existing && (existing.isSystem || (!existing.deleted && existing.systemId !== call.systemId))) {
      return fail(ERROR_CODE.forbidden, DESC.agencyTaken(code));
    }
    this.#state.upsertAgency({ code, name, mail: str('mail'), pcode, systemId: call.systemId }, call.now.getTime());
    await this.#state.save();
    return ok();
  }

  /** `POST /deleteAgency` with `AgencyCode`. */
  async deleteAgency(call: AxisCall): Promise<AxisReply> {
    const code = call.param('AgencyCode');
    if (!code) return fail(ERROR_CODE.invalid, DESC.missingParam('AgencyCode'));
    const a = this.#state.agency(code.trim());
    if (!a || a.deleted || a.systemId !== call.systemId) return fail(ERROR_CODE.notFound, DESC.agencyNotFound(code));
    if (a.isSystem) return fail(ERROR_CODE.forbidden, DESC.cannotDeleteSystem(code));
    this.#state.markDeleted(a.code, call.now.getTime());
    await this.#state.save();
    return ok();
  }

  #pid(a: AgencyRecord): string {
    const parent = a.pcode ? this.#state.agency(a.pcode) : undefined;
    return parent ? String(parent.id) : '0';
  }

  /** QĐ 20 level: from a strict identifier, else the depth in this directory. */
  #level(a: AgencyRecord): number {
    const strict = agencyLevel(a.code);
    if (strict !== undefined) return strict;
    let depth = 1;
    for (let p = a.pcode ? this.#state.agency(a.pcode) : undefined; p && depth < 10; p = p.pcode ? this.#state.agency(p.pcode) : undefined) depth++;
    return depth;
  }
}
