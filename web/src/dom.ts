// Tiny element builders. Every string child becomes a text node, so customer text can never become markup;
// nothing in the client assigns innerHTML.
export type Child = Node | string | number | null | undefined | false | Child[];
type Listener = (event: any) => void;
export type Attrs = Record<string, unknown>;

function apply(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value as Listener);
    } else if (key === 'class') {
      el.setAttribute('class', String(value));
    } else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'indeterminate') {
      (el as any)[key] = value;
    } else if (key === 'style' && typeof value === 'object') {
      Object.assign((el as HTMLElement).style, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, ...child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, ...children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, ...children);
  return el;
}

export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

let uid = 0;
export const nextId = (prefix: string): string => `${prefix}-${++uid}`;

/** A labelled form field: the label is tied to the control so screen readers and taps on the label both work. */
export function field(label: string, control: HTMLElement, hint?: Child): HTMLElement {
  const id = control.id || nextId('f');
  control.id = id;
  const hintEl = hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

const keyed = new WeakMap<Element, Map<string, { version: unknown; el: Element }>>();

/**
 * Brings a live list up to date without rebuilding it: unchanged items keep their element (and so the keyboard
 * focus, an open <details>, a half-typed note); only new or changed items are rendered; nodes move only when out
 * of place.
 */
export function reconcile<T>(
  container: Element,
  items: T[],
  key: (item: T) => string,
  render: (item: T) => Element,
  version: (item: T) => unknown = (i) => i,
): void {
  const cache = keyed.get(container) ?? new Map<string, { version: unknown; el: Element }>();
  keyed.set(container, cache);
  const next = new Map<string, { version: unknown; el: Element }>();
  for (const item of items) {
    const k = key(item);
    const v = version(item);
    const old = cache.get(k);
    next.set(k, old && old.version === v ? old : { version: v, el: render(item) });
  }
  const keep = new Set([...next.values()].map((e) => e.el));
  for (const child of [...container.children]) if (!keep.has(child)) child.remove();
  let cursor = container.firstElementChild;
  for (const { el } of next.values()) {
    if (el === cursor) cursor = cursor.nextElementSibling;
    else container.insertBefore(el, cursor);
  }
  keyed.set(container, next);
}
