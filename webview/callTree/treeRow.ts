/**
 * The pooled row of the Call tree and Callers tabs: its cells are made once per pooled
 * element (VirtualListSource.createRow) and each render only updates them, so scrolling and
 * expanding build no DOM.
 */
import { ESTIMATE_NOTE } from '../../src/core/callTree';
import { codicon, element, goToSourceButton } from './dom';

/** The elements of a row that the tab's render updates. */
export interface TreeRowParts {
  nameCell: HTMLElement;
  twistyIcon: HTMLElement;
  name: HTMLElement;
  recursive: HTMLElement;
  where: HTMLElement;
  estimate: HTMLElement;
  /** The time column's figure (total time in the call tree, time from that caller in Callers). */
  timeText: Text;
  bar: HTMLElement;
  percentText: HTMLElement;
  /** In the row only with ownColumn. */
  own: HTMLElement;
  calls: HTMLElement;
  goToSource: HTMLElement;
}

export interface TreeRowKind {
  /** The recursion mark's tooltip: why such a node is not expanded. */
  recursiveTitle: string;
  /** Whether the row has an own-time column (the call tree does, Callers does not). */
  ownColumn: boolean;
}

/** Function (twisty, name, recursion mark, file:line), time, % bar, [own], calls, go-to-source. */
export function createTreeRow(row: HTMLElement, kind: TreeRowKind): TreeRowParts {
  const twistyIcon = codicon('chevron-right');
  const name = element('span', { class: 'name' });
  const recursive = codicon('sync', kind.recursiveTitle);
  const where = element('span', { class: 'where muted' });
  const nameCell = element('span', { class: 'name-cell' }, element('span', { class: 'twisty' }, twistyIcon), name, recursive, where);
  const estimate = element('span', { class: 'estimate-mark', title: ESTIMATE_NOTE }, '~');
  const timeText = document.createTextNode('');
  const bar = element('span', { class: 'bar' });
  const percentText = element('span', { class: 'percent-text' });
  const own = element('span', { class: 'num' });
  const calls = element('span', { class: 'num', title: 'primitive (non-recursive) / total calls' });
  const goToSource = goToSourceButton();
  row.append(
    nameCell,
    element('span', { class: 'num' }, estimate, timeText),
    element('span', { class: 'percent' }, element('span', { class: 'bar-track' }, bar), percentText),
    ...(kind.ownColumn ? [own] : []),
    calls,
    element('span', { class: 'actions' }, goToSource),
  );
  return { nameCell, twistyIcon, name, recursive, where, estimate, timeText, bar, percentText, own, calls, goToSource };
}
