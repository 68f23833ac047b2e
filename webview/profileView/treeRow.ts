/**
 * The pooled row of the Call tree and Callers tabs: its cells are made once per pooled
 * element (VirtualListSource.createRow) and each render only updates them, so scrolling and
 * expanding build no DOM.
 */
import { ESTIMATE_NOTE } from '../../src/core/callTree';
import { visibleLines, visibleText } from '../../src/core/displayText';
import type { FunctionInfo } from '../../src/core/profileModel';
import { codicon, element, goToSourceButton } from './dom';

/** Indentation of one level of the tree. */
const INDENT_PX = 14;
/**
 * Rows are indented for this many levels and no further: a name indented 14 px a level would
 * leave its cell from about level 45 (issue 12). Deeper rows show their depth as a number
 * instead, and no indent ever takes more than INDENT_MAX_SHARE of the cell, so every name is
 * readable at any depth and in a narrow editor.
 */
export const INDENT_LEVELS = 20;
const INDENT_MAX_SHARE = '25%';

/** The elements of a row that the tab's render updates. */
export interface TreeRowParts {
  nameCell: HTMLElement;
  /** The depth as a number, shown on rows deeper than INDENT_LEVELS. */
  depth: HTMLElement;
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
  const depth = element('span', { class: 'depth muted', hidden: '' });
  const name = element('span', { class: 'name' });
  const recursive = codicon('sync', kind.recursiveTitle);
  const where = element('span', { class: 'where muted' });
  const nameCell = element('span', { class: 'name-cell' }, depth, element('span', { class: 'twisty' }, twistyIcon), name, recursive, where);
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
  return { nameCell, depth, twistyIcon, name, recursive, where, estimate, timeText, bar, percentText, own, calls, goToSource };
}

/** Indents a row for its depth (0 for roots), or, past INDENT_LEVELS, shows the depth as a number. */
export function setRowDepth(parts: TreeRowParts, depth: number, what: string): void {
  const levels = Math.min(depth, INDENT_LEVELS);
  parts.nameCell.style.paddingLeft = levels ? `min(${levels * INDENT_PX}px, ${INDENT_MAX_SHARE})` : '';
  const deep = depth > INDENT_LEVELS;
  parts.depth.hidden = !deep;
  if (deep) {
    parts.depth.textContent = String(depth);
    parts.depth.title = `${what} ${depth} levels down: rows deeper than ${INDENT_LEVELS} levels are not indented further`;
  }
}

/**
 * The row's function: its name, its place ("built-in" or module:line) and the row's tooltip,
 * with control and bidi characters of recorded names shown escaped (src/core/displayText.ts).
 */
export function showFunction(row: HTMLElement, parts: TreeRowParts, info: FunctionInfo): void {
  parts.name.className = `name kind-${info.kind}`;
  parts.name.textContent = visibleText(info.displayName);
  parts.where.textContent = info.kind === 'builtin' ? 'built-in' : visibleText(`${info.module || info.file}:${info.line}`);
  row.setAttribute('title', visibleLines(info.kind === 'builtin' ? info.name : `${info.displayName}\n${info.file}:${info.line}`));
}
