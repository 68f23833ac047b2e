import { visibleText } from '../../src/core/displayText';

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

/** A row's go-to-source button (the rows' click handlers find it by its class; Enter does the same). */
export function goToSourceButton(): HTMLButtonElement {
  return element(
    'button',
    { type: 'button', class: 'go-to-source icon-button', title: 'Go to source (Enter)', 'aria-label': 'Go to source', tabindex: '-1' },
    codicon('go-to-file'),
  );
}

/** A two-column table of name/value pairs, or a note when there are none. */
export function pairsTable(caption: string, pairs: readonly (readonly [string, string])[], empty: string): HTMLElement {
  const section = element('section', { class: 'pairs' }, element('h3', {}, caption));
  if (!pairs.length) {
    section.append(element('p', { class: 'muted' }, empty));
    return section;
  }
  const body = element('tbody');
  // Recorded names and values: control and bidi characters shown escaped (src/core/displayText.ts).
  for (const [name, value] of pairs) body.append(element('tr', {}, element('th', { scope: 'row' }, visibleText(name)), element('td', {}, visibleText(value))));
  section.append(element('table', {}, body));
  return section;
}
