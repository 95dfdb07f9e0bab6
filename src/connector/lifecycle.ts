/**
 * The processing lifecycle of a received document (`workflow.md` section 2): which status
 * may follow which. Pure rules; the reporter applies them.
 * @module
 */
import { ConnectorError } from '../errors.js';
import { STATUS_CODES } from '../edxml/codes.js';

/** The codes a recipient reports about a document's processing. */
export type LifecycleCode = '01' | '02' | '03' | '04' | '05' | '06';

/**
 * Allowed moves: `01 → 02 | 03`, `03 → 04 | 05 | 06`, `04 → 05 | 06`, `05 → 05 | 06`;
 * 02 and 06 are final. Before anything, only 01 (sent automatically on arrival).
 */
export const LIFECYCLE_MOVES: Readonly<Record<LifecycleCode | 'none', readonly LifecycleCode[]>> = {
  none: ['01'],
  '01': ['02', '03'],
  '02': [],
  '03': ['04', '05', '06'],
  '04': ['05', '06'],
  '05': ['05', '06'],
  '06': [],
};

/** True for 01…06. */
export function isLifecycleCode(code: string): code is LifecycleCode {
  return code === '01' || code === '02' || code === '03' || code === '04' || code === '05' || code === '06';
}

/** The codes allowed after `current` (undefined: nothing reported yet). */
export function allowedMoves(current: string | undefined): readonly LifecycleCode[] {
  if (current === undefined) return LIFECYCLE_MOVES.none;
  return isLifecycleCode(current) ? LIFECYCLE_MOVES[current] : [];
}

const label = (code: string) => {
  const known = (STATUS_CODES as Record<string, { vi: string; en: string }>)[code];
  return known ? { vi: `${code} (${known.vi})`, en: `${code} (${known.en})` } : { vi: code, en: code };
};

/**
 * Checks a move.
 * @throws {ConnectorError} VDXP_CONNECTOR_BAD_TRANSITION naming the current state and the allowed moves
 */
export function checkTransition(current: string | undefined, next: string): void {
  const allowed = allowedMoves(current);
  if ((allowed as readonly string[]).includes(next)) return;
  const now = current === undefined ? { vi: 'chưa có trạng thái', en: 'no status yet' } : label(current);
  const to = label(next);
  const movesEn = allowed.length > 0 ? `allowed: ${allowed.map((c) => label(c).en).join(', ')}` : 'it is final: no further status';
  const movesVi = allowed.length > 0 ? `được phép: ${allowed.map((c) => label(c).vi).join(', ')}` : 'đây là trạng thái cuối';
  throw new ConnectorError(
    'VDXP_CONNECTOR_BAD_TRANSITION',
    `cannot report ${to.en}: the document is at ${now.en}; ${movesEn}`,
    { messageVi: `Không thể báo ${to.vi}: văn bản đang ở trạng thái ${now.vi}; ${movesVi}` },
  );
}
