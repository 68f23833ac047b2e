/**
 * The diff view's Call tree tab: the two requests' call trees matched node by node
 * (src/core/compareTrees.ts), each node with its total time in A and in B and the change,
 * slower and faster told by colour (theme colours), a sign and an arrow; new and vanished nodes
 * by a codicon and in words. At open, the path that explains most of the difference is
 * expanded and its last node selected.
 *
 * Keyboard (a tree, as VS Code's): Up/Down move, Right expands (or goes to the first child),
 * Left collapses (or goes to the parent), Home/End, Enter opens the source; double-click too.
 */
import type { CompareMode, CompareTreeNode } from '../../src/compareView/protocol';
import { explainingPath, type TreeComparison } from '../../src/core/compareTrees';
import { CALL_TREE_MIN_SHARE } from '../../src/core/flameGraph';
import { codicon, element } from '../shared/dom';
import { nodeTexts } from './rows';

/** A node shows at most this many children (its largest in B first, then vanished ones): more is a note. */
export const MAX_CHILDREN_SHOWN = 500;
/** Rows are indented for this many levels and no further (deeper ones show their depth as a number). */
const INDENT_LEVELS = 24;
const INDENT_PX = 14;
const PAGE_ROWS = 20;

export interface CompareTreeHooks {
  /** Enter or double-click on a node. */
  open(node: CompareTreeNode): void;
  /** The user moved the selection or expanded a node (the page reports what it shows). */
  changed(): void;
}

export class CompareTreeTab {
  readonly element: HTMLElement;
  private tree: TreeComparison | undefined;
  private comparisonId: string | undefined;
  private mode: CompareMode = 'absolute';
  private readonly expanded = new Set<number>();
  private rows: number[] = [];
  private selected = 0;
  private readonly body = element('div', {
    class: 'diff-tree',
    role: 'tree',
    tabindex: '0',
    'aria-label': 'Call trees of A and B: arrows move, Right expands, Left collapses, Enter opens the source',
  });
  private readonly note = element('p', { class: 'note muted' });

  constructor(private readonly hooks: CompareTreeHooks) {
    const head = element(
      'div',
      { class: 'diff-tree-row diff-tree-columns', 'aria-hidden': 'true' },
      element('span', {}, 'Function'),
      element('span', { class: 'numeric' }, 'A'),
      element('span', { class: 'numeric' }, 'B'),
      element('span', { class: 'numeric' }, 'Change (B − A)'),
    );
    this.element = element('div', { class: 'diff-tree-tab' }, head, this.body, this.note);
    this.body.addEventListener('keydown', (event) => this.onKey(event));
    this.body.addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('[data-node]');
      if (!row) return;
      const index = Number(row.dataset.node);
      if ((event.target as Element).closest('.twisty')) this.toggle(index);
      this.select(index, true);
    });
    this.body.addEventListener('dblclick', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('[data-node]');
      if (row && !(event.target as Element).closest('.twisty')) this.open(Number(row.dataset.node));
    });
  }

  /** The comparison to show; a new comparison opens on the path that explains the difference. */
  show(comparisonId: string, tree: TreeComparison, mode: CompareMode): void {
    const fresh = comparisonId !== this.comparisonId;
    this.tree = tree;
    this.mode = mode;
    this.comparisonId = comparisonId;
    if (fresh) {
      this.expanded.clear();
      const path = explainingPath(tree, mode);
      for (const index of path.slice(0, -1)) this.expanded.add(index);
      this.expanded.add(0);
      this.selected = path[path.length - 1];
    }
    this.draw();
  }

  /** The selected node's name (tests read it), and how many rows are shown. */
  get selectedName(): string | null {
    return this.tree && this.rows.length ? this.tree.nodes[this.selected].name : null;
  }

  get rowCount(): number {
    return this.rows.length;
  }

  focus(): void {
    this.rowElement(this.selected)?.focus();
  }

  private draw(): void {
    const tree = this.tree;
    if (!tree) return;
    // The root's children are the top rows; a stack keeps deep expansions off the JS stack.
    this.rows = [];
    let cut = 0;
    const pending = [...this.shownChildren(0)].reverse();
    cut += Math.max(0, tree.nodes[0].children.length - MAX_CHILDREN_SHOWN);
    while (pending.length > 0) {
      const index = pending.pop()!;
      this.rows.push(index);
      if (this.expanded.has(index)) {
        const children = this.shownChildren(index);
        cut += tree.nodes[index].children.length - children.length;
        for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
      }
    }
    if (!this.rows.includes(this.selected)) this.selected = this.rows[0] ?? 0;
    this.body.replaceChildren(...this.rows.map((index) => this.renderRow(tree, index)));
    const parts = [
      this.mode === 'absolute' ? 'A and B: total time of each node (its own code and below).' : 'A and B: each node’s share of its request’s time.',
      'Nodes match by their path of functions; a path only in B is new, one only in A is not in B.',
    ];
    if (!tree.exact) {
      parts.push('From cProfile caller→callee pairs, times under functions with several callers are estimates (~).');
      parts.push(`Paths under ${CALL_TREE_MIN_SHARE * 100}% of both requests are left out.`);
    }
    if (cut > 0) parts.push(`${cut} smaller nodes are not shown.`);
    this.note.textContent = parts.join(' ');
  }

  private shownChildren(index: number): number[] {
    return this.tree!.nodes[index].children.slice(0, MAX_CHILDREN_SHOWN);
  }

  private renderRow(tree: TreeComparison, index: number): HTMLElement {
    const node = tree.nodes[index];
    const texts = nodeTexts(node, this.mode, tree.totalA, tree.totalB);
    const level = node.depth; // the root is not shown: entry points are level 1
    const hasChildren = node.children.length > 0;
    const open = hasChildren && this.expanded.has(index);
    const twisty = element('span', { class: 'twisty' }, hasChildren ? codicon(open ? 'chevron-down' : 'chevron-right') : '');
    const name = element('span', { class: 'name-cell', title: node.file ? `${node.file}:${node.line}` : node.name });
    name.style.paddingLeft = `${Math.min(level - 1, INDENT_LEVELS) * INDENT_PX}px`;
    if (level - 1 > INDENT_LEVELS) name.append(element('span', { class: 'depth muted' }, String(level)));
    name.append(twisty);
    if (node.status !== 'both') name.append(codicon(node.status === 'new' ? 'diff-added' : 'diff-removed'));
    name.append(element('span', { class: 'name' }, texts.name));
    if (node.estimated) name.append(element('span', { class: 'estimate-mark muted', title: 'An estimate: cProfile keeps no call paths' }, '~'));
    if (texts.statusWord) name.append(element('span', { class: `status ${node.status}` }, texts.statusWord));
    const arrow = texts.direction === 'slower' ? codicon('arrow-up') : texts.direction === 'faster' ? codicon('arrow-down') : '';
    const attributes: Record<string, string> = {
      class: `diff-tree-row ${texts.direction}${index === this.selected ? ' active' : ''}`,
      role: 'treeitem',
      id: `diff-node-${index}`,
      'data-node': String(index),
      tabindex: '-1',
      'aria-level': String(level),
      'aria-selected': String(index === this.selected),
    };
    if (hasChildren) attributes['aria-expanded'] = String(open);
    return element(
      'div',
      attributes,
      name,
      element('span', { class: 'numeric' }, texts.a),
      element('span', { class: 'numeric' }, texts.b),
      element(
        'span',
        { class: 'numeric change', title: texts.direction === 'slower' ? 'slower in B' : texts.direction === 'faster' ? 'faster in B' : 'unchanged' },
        arrow,
        arrow ? ' ' : '',
        texts.change,
      ),
    );
  }

  private rowElement(index: number): HTMLElement | null {
    return this.body.querySelector<HTMLElement>(`[data-node="${index}"]`);
  }

  private select(index: number, focus: boolean): void {
    this.rowElement(this.selected)?.classList.remove('active');
    this.rowElement(this.selected)?.setAttribute('aria-selected', 'false');
    this.selected = index;
    const row = this.rowElement(index);
    row?.classList.add('active');
    row?.setAttribute('aria-selected', 'true');
    if (focus && row) {
      row.focus();
      row.scrollIntoView({ block: 'nearest' });
    }
    this.hooks.changed();
  }

  private toggle(index: number): void {
    if (!this.tree?.nodes[index].children.length) return;
    if (this.expanded.has(index)) this.expanded.delete(index);
    else this.expanded.add(index);
    this.draw();
    this.select(index, true);
  }

  private open(index: number): void {
    const node = this.tree?.nodes[index];
    if (node && node.kind === 'function') this.hooks.open(node);
  }

  private onKey(event: KeyboardEvent): void {
    const tree = this.tree;
    if (!tree || this.rows.length === 0) return;
    const at = Math.max(0, this.rows.indexOf(this.selected));
    const node = tree.nodes[this.selected];
    const last = this.rows.length - 1;
    const move = (to: number) => this.select(this.rows[Math.max(0, Math.min(last, to))], true);
    switch (event.key) {
      case 'ArrowDown':
        move(at + 1);
        break;
      case 'ArrowUp':
        move(at - 1);
        break;
      case 'PageDown':
        move(at + PAGE_ROWS);
        break;
      case 'PageUp':
        move(at - PAGE_ROWS);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(last);
        break;
      case 'ArrowRight':
        if (node.children.length && !this.expanded.has(this.selected)) this.toggle(this.selected);
        else if (node.children.length) move(at + 1);
        break;
      case 'ArrowLeft':
        if (this.expanded.has(this.selected)) this.toggle(this.selected);
        else if (node.parent > 0) this.select(node.parent, true);
        break;
      case 'Enter':
        this.open(this.selected);
        break;
      default:
        return;
    }
    event.preventDefault();
  }
}
