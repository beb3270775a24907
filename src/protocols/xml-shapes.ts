/** Model-driven XML serialisation (awsQuery responses, restXml bodies) and parsing (restXml inputs). */
import type { MemberRef, ServiceModel } from './model.js';
import { formatTimestamp, fromString, shapeOf } from './shapes.js';
import { escapeXml, type XmlNode } from './xml.js';

/** Serialises `value` of shape `name` as the element `<tag>...</tag>` (or its flattened items). */
export function toXml(model: ServiceModel, name: string, value: unknown, tag: string, ref?: MemberRef): string {
  if (value === undefined || value === null) return '';
  const s = shapeOf(model, name);
  switch (s.t) {
    case 'structure':
    case 'union': {
      const obj = value as Record<string, unknown>;
      let attrs = '';
      let inner = '';
      for (const mn in s.m) {
        const m = s.m[mn];
        if (m.l && m.l !== 'payload') continue;
        const v = obj[mn];
        if (v === undefined || v === null) continue;
        if (m.a) attrs += ` ${m.x ?? mn}="${escapeXml(scalarText(model, m, v))}"`;
        else inner += toXml(model, m.s, v, m.x ?? mn, m);
      }
      return `<${tag}${attrs}>${inner}</${tag}>`;
    }
    case 'list': {
      const items = value as unknown[];
      if (ref?.f) return items.map((v) => toXml(model, s.m.s, v, tag, s.m)).join('');
      const itemTag = s.m.x ?? 'member';
      return `<${tag}>${items.map((v) => toXml(model, s.m.s, v, itemTag, s.m)).join('')}</${tag}>`;
    }
    case 'map': {
      const k = s.k.x ?? 'key';
      const vt = s.v.x ?? 'value';
      const entries = Object.entries(value as Record<string, unknown>).map(
        ([key, v]) => `<${k}>${escapeXml(key)}</${k}>${toXml(model, s.v.s, v, vt, s.v)}`,
      );
      if (ref?.f) return entries.map((e) => `<${tag}>${e}</${tag}>`).join('');
      return `<${tag}>${entries.map((e) => `<entry>${e}</entry>`).join('')}</${tag}>`;
    }
    default:
      return `<${tag}>${escapeXml(scalarText(model, ref ?? { s: name }, value))}</${tag}>`;
  }
}

function scalarText(model: ServiceModel, ref: MemberRef, v: unknown): string {
  const s = shapeOf(model, ref.s);
  if (s.t === 'timestamp') return String(formatTimestamp(v, ref.ts ?? s.ts ?? 'date-time'));
  if (s.t === 'blob') return Buffer.from(v as Uint8Array).toString('base64');
  return String(v);
}

/** Reads an element of shape `name` (restXml inputs). */
export function fromXml(model: ServiceModel, name: string, node: XmlNode, where: string): unknown {
  const s = shapeOf(model, name);
  switch (s.t) {
    case 'structure':
    case 'union': {
      const out: Record<string, unknown> = {};
      for (const mn in s.m) {
        const m = s.m[mn];
        if (m.l && m.l !== 'payload') continue;
        const tag = m.x ?? mn;
        if (m.a) {
          if (node.attrs[tag] !== undefined) out[mn] = fromString(model, m.s, node.attrs[tag], `${where}.${mn}`);
          continue;
        }
        const kids = node.children.filter((c) => c.name === tag);
        if (!kids.length) continue;
        const target = shapeOf(model, m.s);
        if (m.f && (target.t === 'list' || target.t === 'map')) {
          out[mn] = fromFlattened(model, m.s, kids, `${where}.${mn}`);
        } else out[mn] = fromXml(model, m.s, kids[0], `${where}.${mn}`);
      }
      return out;
    }
    case 'list': {
      const itemTag = s.m.x ?? 'member';
      return node.children.filter((c) => c.name === itemTag).map((c, i) => fromXml(model, s.m.s, c, `${where}.${i + 1}`));
    }
    case 'map':
      return fromFlattened(model, name, node.children.filter((c) => c.name === 'entry'), where);
    default:
      return fromString(model, name, node.text, where);
  }
}

function fromFlattened(model: ServiceModel, name: string, nodes: XmlNode[], where: string): unknown {
  const s = shapeOf(model, name);
  if (s.t === 'list') return nodes.map((c, i) => fromXml(model, s.m.s, c, `${where}.${i + 1}`));
  if (s.t !== 'map') return undefined;
  const out: Record<string, unknown> = {};
  for (const e of nodes) {
    const k = e.children.find((c) => c.name === (s.k.x ?? 'key'));
    const v = e.children.find((c) => c.name === (s.v.x ?? 'value'));
    if (k && v) out[k.text] = fromXml(model, s.v.s, v, `${where}.${k.text}`);
  }
  return out;
}
