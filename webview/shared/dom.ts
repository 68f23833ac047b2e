/**
 * Building DOM without HTML strings: every piece of profile data becomes a text node, so a
 * function named `<script>` (or Python's own `<module>`) shows as those characters.
 */

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** A custom element (the @vscode-elements controls) with attributes. */
export function custom<T extends HTMLElement = HTMLElement>(tag: string, attributes: Record<string, string> = {}, ...children: (Node | string)[]): T {
  const node = document.createElement(tag) as T;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** A codicon glyph (the font comes with the page's stylesheet). */
export function codicon(name: string, title?: string): HTMLSpanElement {
  const attributes: Record<string, string> = { class: `codicon codicon-${name}` };
  if (title) attributes.title = title;
  else attributes['aria-hidden'] = 'true';
  return element('span', attributes);
}
