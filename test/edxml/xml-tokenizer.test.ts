import { describe, expect, test } from 'vitest';
import { parseXmlTree, textOf, firstChild, childElements, TreeBuilder } from '../../src/edxml/xml-tree.js';
import { XmlTokenizer, type XmlStartTag } from '../../src/edxml/xml-tokenizer.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

describe('XML tokenizer', () => {
  test('reads elements, namespaces, attributes and text', () => {
    const doc = parseXmlTree(
      '<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="urn:q" xmlns:x="urn:x"><x:A k="v &amp; w">T&lt;1&#x110;</x:A><B/></edXML>',
    );
    expect(doc.root.local).toBe('edXML');
    expect(doc.root.uri).toBe('urn:q');
    const a = firstChild(doc.root, 'A')!;
    expect(a.uri).toBe('urn:x');
    expect(a.attributes[0]).toMatchObject({ name: 'k', value: 'v & w', uri: '' });
    expect(textOf(a)).toBe('T<1Đ');
    expect(firstChild(doc.root, 'B')!.uri).toBe('urn:q');
  });

  test('accepts a UTF-8 byte order mark and CRLF line ends, normalising them', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('<?xml version="1.0"?>\r\n<a>x\r\ny\rz</a>')]);
    expect(textOf(parseXmlTree(bytes).root)).toBe('x\ny\nz');
  });

  test('normalises CRLF split across two pieces', () => {
    const b = new TreeBuilder();
    b.write('<a>x\r');
    b.write('\ny</a>');
    expect(textOf(b.end().root)).toBe('x\ny');
  });

  test('hands long text over in pieces as it arrives', () => {
    const pieces: string[] = [];
    const t = new XmlTokenizer({
      startElement: () => {},
      endElement: () => {},
      text: (p) => pieces.push(p),
    });
    t.write('<a>');
    for (let i = 0; i < 10; i++) t.write('QUJD'.repeat(1000));
    t.write('</a>');
    t.end();
    expect(pieces.length).toBeGreaterThanOrEqual(10);
    expect(pieces.join('')).toBe('QUJD'.repeat(10000));
  });

  test('keeps an entity reference split across pieces intact', () => {
    const b = new TreeBuilder();
    b.write('<a>1 &am');
    b.write('p; 2</a>');
    expect(textOf(b.end().root)).toBe('1 & 2');
  });

  test("tags: '>' inside quoted values, names ended by any white space, end tags with and without space", () => {
    const doc = parseXmlTree(`<r><a k="x>y" j='1>2' q="it's">t</a ><b\tk="1"/><c\nk='"'\r\n/><d /><e>u</e></r>`);
    const [a, b, c, d, e] = childElements(doc.root);
    expect(a!.attributes.map((x) => [x.name, x.value])).toEqual([['k', 'x>y'], ['j', '1>2'], ['q', "it's"]]);
    expect(textOf(a)).toBe('t');
    expect([b!.local, b!.attributes[0]?.value, c!.local, c!.attributes[0]?.value, d!.local, e!.local]).toEqual(['b', '1', 'c', '"', 'd', 'e']);
    // A tag whose quoted '>' arrives in one piece and its end in the next.
    const t = new TreeBuilder();
    t.write('<r><a k="x>');
    t.write('y">z</a></r>');
    const a2 = firstChild(t.end().root, 'a')!;
    expect([a2.attributes[0]?.value, textOf(a2)]).toEqual(['x>y', 'z']);
    // A closing tag that does not match, however it is spaced.
    expect(code(() => parseXmlTree('<r><a>t</b></r>'))).toBe('VDXP_EDXML_NOT_XML');
    expect(code(() => parseXmlTree('<r><a>t</ab></r>'))).toBe('VDXP_EDXML_NOT_XML');
    expect(code(() => parseXmlTree('<r><ab>t</a></r>'))).toBe('VDXP_EDXML_NOT_XML');
    // A name is ended by white space as a regular expression's \s means it (a no-break space too).
    expect(parseXmlTree('<r\u00a0k="1"/>').root.attributes[0]?.name).toBe('k');
    expect(code(() => parseXmlTree('<r=1/>'))).toBe('VDXP_EDXML_NOT_XML');
  });

  test('CDATA becomes text', () => {
    expect(textOf(parseXmlTree('<a><![CDATA[<x> & y]]></a>').root)).toBe('<x> & y');
  });

  test('reports the start tag with its scope', () => {
    let seen: XmlStartTag | undefined;
    const t = new XmlTokenizer({ startElement: (s) => (seen ??= s), endElement: () => {}, text: () => {} });
    t.write('<p:a xmlns:p="urn:p" p:x="1"/>');
    t.end();
    expect(seen).toMatchObject({ prefix: 'p', local: 'a', uri: 'urn:p', selfClosing: true });
    expect(seen!.attributes[1]).toMatchObject({ local: 'x', uri: 'urn:p' });
  });

  test.each([
    ['junk before the declaration', '1212<?xml version="1.0"?><a/>', 'VDXP_EDXML_NOT_XML'],
    ['a declaration that is not first', ' <?xml version="1.0"?><a/>', 'VDXP_EDXML_NOT_XML'],
    ['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 'VDXP_EDXML_FORBIDDEN'],
    ['an undefined entity', '<a>&x;</a>', 'VDXP_EDXML_FORBIDDEN'],
    ['a non-UTF-8 encoding', '<?xml version="1.0" encoding="ISO-8859-1"?><a/>', 'VDXP_EDXML_ENCODING'],
    ['mismatched tags', '<a><b></a></b>', 'VDXP_EDXML_NOT_XML'],
    ['a truncated document', '<a><b>', 'VDXP_EDXML_NOT_XML'],
    ['two roots', '<a/><b/>', 'VDXP_EDXML_NOT_XML'],
    ['text after the root', '<a/>x', 'VDXP_EDXML_NOT_XML'],
    ['an unbound prefix', '<p:a/>', 'VDXP_EDXML_NOT_XML'],
    ['a duplicate attribute', '<a x="1" x="2"/>', 'VDXP_EDXML_NOT_XML'],
    ['a bad character reference', '<a>&#0;</a>', 'VDXP_EDXML_NOT_XML'],
    ['an empty document', '', 'VDXP_EDXML_NOT_XML'],
  ])('refuses %s', (_name, xml, expected) => {
    expect(code(() => parseXmlTree(xml))).toBe(expected);
  });

  test('refuses invalid UTF-8 and UTF-16', () => {
    expect(code(() => parseXmlTree(new Uint8Array([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e])))).toBe('VDXP_EDXML_ENCODING');
    expect(code(() => parseXmlTree(new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x61, 0x00])))).toBe('VDXP_EDXML_ENCODING');
  });

  test('refuses nesting deeper than the limit', () => {
    const deep = '<a>'.repeat(100) + '</a>'.repeat(100);
    expect(code(() => parseXmlTree(deep, { maxDepth: 64 }))).toBe('VDXP_EDXML_LIMIT');
    expect(childElements(parseXmlTree('<a>'.repeat(10) + '</a>'.repeat(10)).root)).toHaveLength(1);
  });

  test('refuses more elements than the limit', () => {
    expect(code(() => parseXmlTree('<a>' + '<b/>'.repeat(101) + '</a>', { maxElements: 100 }))).toBe('VDXP_EDXML_LIMIT');
  });

  test('refuses a tag longer than the markup limit even when it never ends', () => {
    const b = new TreeBuilder({ maxMarkupLength: 1000 });
    b.write('<a ');
    expect(code(() => b.write('x'.repeat(2000)))).toBe('VDXP_EDXML_LIMIT');
  });
});
