import { describe, expect, test } from 'vitest';
import { appendTraceHeader } from '../../src/testing/trace-header.js';

const at = new Date('2026-11-21T15:29:10Z'); // 22:29:10 in Vietnam
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('appendTraceHeader', () => {
  test('appends after the last hop with the list’s prefix, leaving every other byte alone', () => {
    const src = '<x:edXMLHeader><x:TraceHeaderList><x:TraceHeader><x:OrganId>A</x:OrganId></x:TraceHeader></x:TraceHeaderList></x:edXMLHeader><Đ/>';
    const out = text(appendTraceHeader(Buffer.from(src), { organId: 'B&C', at }, 'edoc'));
    expect(out).toBe(src.replace('</x:TraceHeaderList>', '<x:TraceHeader><x:OrganId>B&amp;C</x:OrganId><x:Timestamp>2026/11/21 22:29:10</x:Timestamp></x:TraceHeader></x:TraceHeaderList>'));
  });

  test('fills an empty list, creates a missing one after MessageHeader, and leaves status packages alone', () => {
    expect(text(appendTraceHeader(Buffer.from('<h><e:TraceHeaderList a="1"/></h>'), { at }, 'edoc'))).toBe(
      '<h><e:TraceHeaderList a="1"><e:TraceHeader><e:Timestamp>2026/11/21 22:29:10</e:Timestamp></e:TraceHeader></e:TraceHeaderList></h>',
    );
    expect(text(appendTraceHeader(Buffer.from('<e:MessageHeader></e:MessageHeader><b/>'), { at }, 'edoc'))).toBe(
      '<e:MessageHeader></e:MessageHeader><e:TraceHeaderList><e:TraceHeader><e:Timestamp>2026/11/21 22:29:10</e:Timestamp></e:TraceHeader></e:TraceHeaderList><b/>',
    );
    const status = Buffer.from('<e:MessageHeader></e:MessageHeader>');
    expect(appendTraceHeader(status, { at }, 'status')).toBe(status);
  });
});
