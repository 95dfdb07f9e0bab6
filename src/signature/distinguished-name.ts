/**
 * Distinguished names: RFC 4514 text for display, and a normalised key to match an issuer's
 * name with a subject's (RFC 5280 7.1, simplified: case and inner spaces do not count).
 * @module
 */
import * as pkijs from 'pkijs';

/** Short names of the attributes seen in Vietnamese certificates; others print as dotted OIDs. */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** OIDs of the distinguished-name attributes, by short name (CN, O, OU, L, ST, C, UID, title, …). */
export const NAME_OIDS = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  title: '2.5.4.12',
  UID: '0.9.2342.19200300.100.1.1',
  serialNumber: '2.5.4.5',
  emailAddress: '1.2.840.113549.1.9.1',
} as const;

/** The text of one attribute value, whatever its ASN.1 string type. */
function valueText(atv: pkijs.AttributeTypeAndValue): string {
  const block = (atv.value as { valueBlock?: { value?: unknown } }).valueBlock;
  if (block && typeof block.value === 'string') return block.value;
  return `#${Buffer.from(atv.value.toBER(false)).toString('hex')}`;
}

function escape4514(value: string): string {
  let out = value.replace(/([\\,+"<>;=])/g, '\\$1');
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** RFC 4514 text, most specific attribute first (`CN=…,O=…,C=VN`). */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((atv) => `${SHORT_NAMES[atv.type] ?? atv.type}=${escape4514(valueText(atv))}`)
    .reverse()
    .join(',');
}

/** The first value of an attribute (`CN`, `O`, …) in a name. */
export function nameAttribute(name: pkijs.RelativeDistinguishedNames, oid: string): string | undefined {
  const atv = name.typesAndValues.find((a) => a.type === oid);
  return atv ? valueText(atv) : undefined;
}

/** A key equal for names that match under RFC 5280 comparison (case-folded, spaces collapsed). */
export function nameKey(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((atv) => `${atv.type}=${valueText(atv).normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase()}`)
    .join('\u0000');
}
