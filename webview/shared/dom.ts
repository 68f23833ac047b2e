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

/**
 * A @vscode-elements button with a codicon before its label (or alone, for a toolbar's icon
 * button). The glyph is ours, slotted in, not the button's `icon` attribute: that makes a
 * vscode-icon, which links the page's stylesheet again inside its shadow root, a fetch through
 * VS Code's webview service worker at the moment the button first draws. A page closed while
 * such a fetch is in flight leaves it waiting 30 s (the worker's limit), and every new webview of
 * the window stays blank until then (seen in the suite after a profile view closed as it drew).
 */
export function iconButton<T extends HTMLElement = HTMLElement>(icon: string, attributes: Record<string, string>, label?: string): T {
  if (label === undefined) return custom<T>('vscode-button', { ...attributes, 'icon-only': '' }, codicon(icon));
  const glyph = codicon(icon);
  glyph.slot = 'content-before';
  return custom<T>('vscode-button', attributes, glyph, label);
}
