/** The profile view's DOM pieces; the general ones are shared with the other pages (webview/shared/dom.ts). */
import { visibleText } from '../../src/core/displayText';
import { codicon, element } from '../shared/dom';

export { codicon, custom, element, iconButton } from '../shared/dom';

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
