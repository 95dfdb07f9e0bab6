import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseXmlTree, type XmlElement, type XmlNode } from '../../../src/edxml/xml-tree.js';
import {
  C14N,
  C14N_WITH_COMMENTS,
  EXC_C14N,
  EXC_C14N_WITH_COMMENTS,
  canonicalize,
  canonicalizeTo,
  type C14nAlgorithm,
} from '../../../src/signature/xmldsig/c14n.js';
import { listEdxml, sharedFixtures } from '../../helpers/shared-fixtures.js';
import { hasCommand, opensslSelfSigned, tempDir, xmllintC14n, xmlsecCanonicalForms } from '../../helpers/xmlsec.js';

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

/** Hand-written documents that exercise each canonicalization rule. `<!--SIG-->` marks where a signature template goes. */
const DOCS: Record<string, string> = {
  'namespaces, default undeclaration, PIs and comments around the root': `<?xml version="1.0" encoding="UTF-8"?>
<?pi-before data  here ?>
<!-- top comment -->
<root xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b" b:z="1" a:y="2" x="3" xml:lang="vi">
  <child xmlns="" a:k="v&#13;&#9;&#10;end"  >text &amp; &lt; &gt; &#13; "quote" 'apos'</child>
  <a:e xmlns:a="urn:a" xmlns:c="urn:c" xml:id="s1"><![CDATA[<cdata & stuff>]]><?inner?></a:e>
  <empty/>
  <d xmlns="urn:d"><e xmlns="urn:e" xmlns:b="urn:b2"><f xmlns=""/></e></d>
  <!-- inside --><!--SIG-->
</root>
<!-- after -->
<?pi-after?>
`,
  'attribute order by namespace URI then local name, not by prefix': `<?xml version="1.0"?>
<root xmlns:z="urn:a" xmlns:a="urn:z" z:attr="1" a:attr="2" attr="0" b="x" xmlns="urn:default" a:b="3" z:c="4"><p xmlns:p="urn:p" p:a="x" a:a="y" xml:id="s1">t</p><!--SIG--></root>`,
  'white space in tags, quotes and references in values': `<?xml version='1.0' encoding='utf-8' ?>
<root   a = 'say "hi"'   b="&lt;&amp;&gt;&quot;&apos;"
  c="line
break	tab" d="&#x20;&#x9;x" ><t xml:id="s1">a ]]&gt; b &#x3E; c &#60; d</t>   <u>  spaces  </u><!--SIG--></root>
`,
  'superfluous and redefined namespace declarations': `<root xmlns:p="urn:p" xmlns:q="urn:q" xmlns:unused="urn:unused">
  <p:a xmlns:p="urn:p"><p:b xmlns:p="urn:p2" xml:id="s1"><c q:x="1" xmlns:q="urn:q"><p:d xmlns:p="urn:p"/></c></p:b></p:a>
  <x xmlns="urn:x"><y xmlns="urn:x"><z xmlns=""><w xmlns=""/></z></y></x>
  <g><h xmlns=""/></g><!--SIG-->
</root>`,
  'default namespace under a prefixed root, rendered only where used': `<a:r xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b"><c xmlns=""><d xmlns="urn:d2"><e xmlns=""/></d></c><a:f xml:id="s1"><g/><b:h b:x="1"/><a:i xmlns=""><j/></a:i></a:f><!--SIG--></a:r>`,
  'Unicode text, names and astral characters': `<?xml version="1.0" encoding="UTF-8"?>
<gốc xmlns:đ="urn:vi:d" đ:tên="Nguyễn 😀" ábc="1" abc="2" zz="𝔘" ｚ="fw"><tiêu_đề xml:id="s1">Công văn về việc 𝄞 &#x1F600; Đ</tiêu_đề><!--SIG--></gốc>`,
  'xml:* attributes inherited by a subset apex (inclusive only)': `<root xml:lang="vi" xml:space="preserve" xmlns:a="urn:a"><mid xml:lang="en" xml:base="http://x/"><leaf xml:id="s1" xml:space="default" a:q="1">x</leaf></mid><!--SIG--></root>`,
  'an edXML-shaped package with the QCVN default namespace': `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader xml:id="s1"><edXML:Subject>V/v kết nối &amp; liên thông</edXML:Subject><edXML:ResponseFor /></edXML:MessageHeader>
      <edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:TraceHeader></edXML:TraceHeaderList><!--SIG-->
    </edXML:edXMLHeader>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment><ContentId>cid:1</ContentId>
      <edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">SGVsbG8=</edXML:ContentTransferEncoded>
    </Attachment>
  </AttachmentEncoded>
</edXML>
`,
};

/** CR LF line ends in the source are read as LF; a CR written as &#13; stays a CR. */
const CRLF_DOC = '<?xml version="1.0"?>\r\n<root a="x\r\ny">one\r\ntwo\rthree&#13;&#10;four<in xml:id="s1">\r\n</in><!--SIG--></root>\r\n';

function template(doc: string, c14nMethod: string): string {
  const ref = (uri: string, transforms: string) =>
    `<Reference URI="${uri}"><Transforms>${transforms}</Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference>`;
  const t = (alg: string, inner = '') => `<Transform Algorithm="${alg}">${inner}</Transform>`;
  const prefixes = `<ec:InclusiveNamespaces xmlns:ec="${EXC_C14N}" PrefixList="#default a p"/>`;
  const env = t(`${DSIG}enveloped-signature`);
  return doc.replace(
    '<!--SIG-->',
    `<Signature xmlns="${DSIG}"><SignedInfo><CanonicalizationMethod Algorithm="${c14nMethod}"/>` +
      `<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>` +
      ref('', env + t(C14N)) +
      ref('', env + t(EXC_C14N)) +
      ref('', env + t(EXC_C14N, prefixes)) +
      ref('', env + t(C14N_WITH_COMMENTS)) +
      ref('#s1', t(C14N)) +
      ref('#s1', t(EXC_C14N)) +
      ref('#s1', t(EXC_C14N, prefixes)) +
      `</SignedInfo><SignatureValue/></Signature>`,
  );
}

function find(node: XmlNode, pred: (e: XmlElement) => boolean): XmlElement | undefined {
  if (node.type !== 'element') return undefined;
  if (pred(node)) return node;
  for (const c of node.children) {
    const f = find(c, pred);
    if (f) return f;
  }
  return undefined;
}

/** What our canonicalizer gives for the references of {@link template}, in order. */
function ourReferences(tpl: string): string[] {
  const doc = parseXmlTree(tpl);
  const sig = find(doc.root, (e) => e.local === 'Signature' && e.uri === DSIG)!;
  const s1 = find(doc.root, (e) => e.attributes.some((a) => a.name === 'xml:id' && a.value === 's1'))!;
  const whole = (algorithm: C14nAlgorithm, inclusivePrefixes?: string[]) =>
    canonicalize(doc, { algorithm, exclude: sig, comments: false, inclusivePrefixes });
  const prefixes = ['#default', 'a', 'p'];
  return [
    whole(C14N),
    whole(EXC_C14N),
    whole(EXC_C14N, prefixes),
    whole(C14N_WITH_COMMENTS),
    canonicalize(s1, { algorithm: C14N, comments: false }),
    canonicalize(s1, { algorithm: EXC_C14N, comments: false }),
    canonicalize(s1, { algorithm: EXC_C14N, comments: false, inclusivePrefixes: prefixes }),
  ];
}

function ourSignedInfo(tpl: string, algorithm: C14nAlgorithm): string {
  const doc = parseXmlTree(tpl);
  return canonicalize(find(doc.root, (e) => e.local === 'SignedInfo')!, { algorithm });
}

const cases = [...Object.entries(DOCS), ['CR LF line ends and CR character references', CRLF_DOC] as [string, string]];

describe.skipIf(!hasCommand('xmllint'))('canonical XML against libxml2 (xmllint), comments kept', () => {
  test.each(cases)('inclusive c14n matches xmllint --c14n: %s', (_name, doc) => {
    const src = doc.replace('<!--SIG-->', '');
    expect(canonicalize(parseXmlTree(src), { algorithm: C14N_WITH_COMMENTS })).toBe(xmllintC14n(src, '--c14n'));
  });

  test.each(cases)('exclusive c14n matches xmllint --exc-c14n: %s', (_name, doc) => {
    const src = doc.replace('<!--SIG-->', '');
    expect(canonicalize(parseXmlTree(src), { algorithm: EXC_C14N_WITH_COMMENTS })).toBe(xmllintC14n(src, '--exc-c14n'));
  });
});

describe.skipIf(!hasCommand('xmlsec1'))('canonical XML against xmlsec1: without comments, subsets, enveloped signature', () => {
  let keyFile = '';
  let cleanup = () => {};
  beforeAll(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    keyFile = opensslSelfSigned(t.dir).key;
  });
  afterAll(() => cleanup());

  test.each(cases)('reference data and exclusive SignedInfo match xmlsec1: %s', (_name, doc) => {
    const tpl = template(doc, EXC_C14N);
    const theirs = xmlsecCanonicalForms(tpl, keyFile);
    const ours = ourReferences(tpl);
    expect(ours).toEqual(theirs.references);
    // SignedInfo is canonicalized after the digests are filled in: compare shapes with digests blanked.
    const blank = (s: string) => s.replace(/<DigestValue>[^<]*<\/DigestValue>/g, '<DigestValue></DigestValue>');
    expect(ourSignedInfo(tpl, EXC_C14N)).toBe(blank(theirs.signedInfo[0]!));
  });

  test.each(cases)('inclusive SignedInfo carries the namespaces in scope like xmlsec1: %s', (_name, doc) => {
    const tpl = template(doc, C14N);
    const theirs = xmlsecCanonicalForms(tpl, keyFile);
    const blank = (s: string) => s.replace(/<DigestValue>[^<]*<\/DigestValue>/g, '<DigestValue></DigestValue>');
    expect(ourSignedInfo(tpl, C14N)).toBe(blank(theirs.signedInfo[0]!));
  });
});

const fixtures = sharedFixtures('edxml');
describe.skipIf(!fixtures || !hasCommand('xmllint'))('canonical XML of the published edXML samples', () => {
  test.each(listEdxml(fixtures, { except: ['negative'] }).map((f) => [f.slice(fixtures!.length + 1), f]))(
    'both algorithms match xmllint on %s',
    (_name, file) => {
      const bytes = readFileSync(file);
      const doc = parseXmlTree(bytes);
      expect(canonicalize(doc, { algorithm: C14N_WITH_COMMENTS })).toBe(xmllintC14n(bytes, '--c14n'));
      expect(canonicalize(doc, { algorithm: EXC_C14N_WITH_COMMENTS })).toBe(xmllintC14n(bytes, '--exc-c14n'));
    },
  );
});

describe('canonicalize', () => {
  test('drops comments unless the algorithm keeps them', () => {
    const doc = parseXmlTree('<!--a--><r><!--b-->x</r><!--c-->');
    expect(canonicalize(doc, { algorithm: C14N })).toBe('<r>x</r>');
    expect(canonicalize(doc, { algorithm: EXC_C14N_WITH_COMMENTS })).toBe('<!--a-->\n<r><!--b-->x</r>\n<!--c-->');
    expect(canonicalize(doc, { algorithm: C14N_WITH_COMMENTS, comments: false })).toBe('<r>x</r>');
  });

  test('leaves out the excluded element with its subtree and nothing else', () => {
    const doc = parseXmlTree('<r><a>1</a><s><t>2</t></s><b/></r>');
    const s = doc.root.children[1] as XmlElement;
    expect(canonicalize(doc, { algorithm: C14N, exclude: s })).toBe('<r><a>1</a><b></b></r>');
  });

  test('hands the output over in pieces that join to the whole', () => {
    const doc = parseXmlTree(`<r a="1">${'<s>x &amp; y</s>'.repeat(5000)}</r>`);
    const pieces: string[] = [];
    canonicalizeTo(doc, { algorithm: EXC_C14N }, (s) => pieces.push(s as string));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((p) => typeof p === 'string')).toBe(true);
    expect(pieces.join('')).toBe(canonicalize(doc, { algorithm: EXC_C14N }));
    expect(pieces.join('')).toBe(`<r a="1">${'<s>x &amp; y</s>'.repeat(5000)}</r>`);
  });

  test('hands long plain text read from bytes over as those bytes, unchanged', () => {
    const base64 = Buffer.alloc(300_000, 'QUJD').toString('latin1');
    const xml = Buffer.from(`<r>\n  <a>é &gt; 1</a>\n  <b xmlns="urn:b">${base64}</b>\n</r>`, 'utf8');
    const doc = parseXmlTree(xml);
    const pieces: (string | Uint8Array)[] = [];
    canonicalizeTo(doc, { algorithm: EXC_C14N }, (s) => pieces.push(s));
    const runs = pieces.filter((p): p is Uint8Array => typeof p !== 'string');
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r) => r.buffer === xml.buffer)).toBe(true); // views of the input, not copies
    const joined = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))).toString('utf8');
    expect(joined).toBe(`<r>\n  <a>é &gt; 1</a>\n  <b xmlns="urn:b">${base64}</b>\n</r>`);
    expect(canonicalize(doc, { algorithm: EXC_C14N })).toBe(joined);
  });

  test('escapes long text that is not plain (markup characters, CR) as usual', () => {
    const text = `${'A'.repeat(10_000)}&gt;${'B'.repeat(10_000)}`;
    const doc = parseXmlTree(Buffer.from(`<r><a>${text}</a><b>${'C'.repeat(9000)}\r\n${'D'.repeat(9000)}</b></r>`));
    expect(canonicalize(doc, { algorithm: C14N })).toBe(`<r><a>${'A'.repeat(10_000)}&gt;${'B'.repeat(10_000)}</a><b>${'C'.repeat(9000)}\n${'D'.repeat(9000)}</b></r>`);
  });
});
