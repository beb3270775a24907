/** A small XML writer and reader, enough for AWS's query and rest-XML documents. */

export function escapeXml(s: string): string {
  return s.replace(/[&<>"'\r\n]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : c === "'" ? '&apos;' : c === '\r' ? '&#xD;' : '&#xA;',
  );
}

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

/** Parses an XML document into a tree; throws on malformed input. Namespaces prefixes are dropped. */
export function parseXml(text: string): XmlNode {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`malformed XML at ${i}: ${why}`);
  };
  const skipMisc = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (text.startsWith('<?', i)) {
        const e = text.indexOf('?>', i);
        if (e < 0) fail('unterminated declaration');
        i = e + 2;
      } else if (text.startsWith('<!--', i)) {
        const e = text.indexOf('-->', i);
        if (e < 0) fail('unterminated comment');
        i = e + 3;
      } else if (text.startsWith('<!', i)) {
        const e = text.indexOf('>', i);
        if (e < 0) fail('unterminated doctype');
        i = e + 1;
      } else return;
    }
  };
  const element = (): XmlNode => {
    if (text[i] !== '<') fail('expected <');
    i++;
    const m = /^[\w:.-]+/.exec(text.slice(i, i + 200));
    if (!m) fail('expected a tag name');
    const rawName = m![0];
    i += rawName.length;
    const node: XmlNode = { name: rawName.replace(/^.*:/, ''), attrs: {}, children: [], text: '' };
    for (;;) {
      while (/\s/.test(text[i] ?? '')) i++;
      if (text.startsWith('/>', i)) {
        i += 2;
        return node;
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      const a = /^([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/.exec(text.slice(i, i + 4096));
      if (!a) fail('bad attribute');
      node.attrs[a![1]] = unescapeXml(a![3] ?? a![4] ?? '');
      i += a![0].length;
    }
    let textParts = '';
    for (;;) {
      if (i >= text.length) fail(`unterminated <${rawName}>`);
      if (text.startsWith('</', i)) {
        const e = text.indexOf('>', i);
        if (e < 0 || text.slice(i + 2, e).trim() !== rawName) fail(`mismatched </${rawName}>`);
        i = e + 1;
        node.text = textParts;
        return node;
      }
      if (text.startsWith('<![CDATA[', i)) {
        const e = text.indexOf(']]>', i);
        if (e < 0) fail('unterminated CDATA');
        textParts += text.slice(i + 9, e);
        i = e + 3;
      } else if (text.startsWith('<!--', i)) {
        const e = text.indexOf('-->', i);
        if (e < 0) fail('unterminated comment');
        i = e + 3;
      } else if (text[i] === '<') node.children.push(element());
      else {
        const e = text.indexOf('<', i);
        if (e < 0) fail('unterminated text');
        textParts += unescapeXml(text.slice(i, e));
        i = e;
      }
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i < text.length) fail('content after the root element');
  return root;
}
