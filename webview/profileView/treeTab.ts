/**
 * The Call tree tab: the top-down tree of src/core/callTree.ts in a virtual list. Expanding a
 * node splices its rows in (CallTree.rowsBelow) rather than listing the whole tree again, so
 * an expand costs the rows it adds. The hot path is expanded and highlighted on open; search
 * matches are highlighted, and revealing one expands its path and keeps it out of "other".
 * A sampled profile's tree is built from its stacks: measured, no estimate marks, samples
 * where cProfile has calls, and the legend says how many samples at what rate.
 */
import { AWAITING_NOTE, CallTree, ESTIMATE_NOTE, type CallTreeNode, type VisibleRow } from '../../src/core/callTree';
import { restoreExpansion, saveExpansion } from '../../src/core/expansionState';
import { formatCalls, formatPercent } from '../../src/core/format';
import { heatCss } from '../../src/core/heat';
import { expandHotPath, hotPath, requestHotPath } from '../../src/core/hotPath';
import type { SampledStack, SamplingStats } from '../../src/core/profileFormat';
import type { ProfileModel } from '../../src/core/profileModel';
import { msFormatFor, sampledTimeLine, samplingSummary } from '../../src/core/sampledFigures';
import { revealPath } from '../../src/core/search';
import { codicon, element } from './dom';
import { createTreeRow, setRowDepth, showFunction, type TreeRowParts } from './treeRow';
import { VirtualList } from './virtualList';

/** Call tree rows: the recursion mark says why a node is not expanded; own time has a column. */
const TREE_ROW = {
  recursiveTitle: 'Recursive call: this function is already on the path above, so it is not expanded again.',
  ownColumn: true,
};

/** A sampled profile's stacks and how the sampling went: the tree is built from them. */
export interface SampledSource {
  readonly stacks: readonly SampledStack[];
  readonly sampling: SamplingStats;
}

/** What the Calls column's header and cells say for a sampled tree: the sampler counts no calls. */
const SAMPLES_TITLE = 'samples with this path on the stack (the sampler counts no calls)';

export interface TreeTabHooks {
  openSource(fn: number): void;
  /** The selection or expansion changed (save state, report it). */
  changed(): void;
}

/** A saved state to restore (see savedExpansion and selectedPath). */
export interface TreeRestore {
  /** Expanded nodes as saveExpansion lists them. */
  expansion?: unknown;
  /** The selected node's path of function indices, or null for none. */
  selectedPath?: readonly number[] | null;
  /** States saved before the list of paths: expanded node ids and the selected id, as paths ("3/17/42"). */
  expanded?: readonly string[];
  selectedId?: string | null;
}

export class TreeTab {
  readonly element: HTMLElement;
  private tree!: CallTree;
  private rows: VisibleRow[] = [];
  private expanded = new Set<string>();
  /** savedExpansion, kept until the expansion changes (the view saves its state on every selection). */
  private savedList?: number[];
  /** Nodes kept out of "other" groups: revealed search matches. */
  private keep = new Set<string>();
  private hot = new Set<string>();
  private requestHot: string[] = [];
  private matches = new Set<number>();
  private readonly list: VirtualList;
  private readonly empty = element('p', { class: 'empty muted', hidden: '' });
  /** Bumped when every row may look different (a new tree, new matches, a new hot path). */
  private generation = 0;
  /** The inner elements of each pooled row element, made once (createTreeRow). */
  private readonly parts = new WeakMap<HTMLElement, TreeRowParts>();

  constructor(
    private readonly model: ProfileModel,
    private readonly hooks: TreeTabHooks,
    private readonly sampled?: SampledSource,
  ) {
    this.list = new VirtualList(
      {
        count: () => this.rows.length,
        createRow: (row) => this.parts.set(row, createTreeRow(row, TREE_ROW)),
        render: (i, row, selected) => this.renderRow(i, row, selected),
        key: (i) => this.rowKey(i),
      },
      { name: 'tree', label: 'Call tree', role: 'tree', rowRole: 'treeitem', onKey: (e, i) => this.onKey(e, i), onSelect: () => this.hooks.changed() },
    );
    this.list.element.addEventListener('click', (event) => {
      const index = this.list.indexAt(event.target);
      if (index === undefined) return;
      const target = event.target as HTMLElement;
      if (target.closest('.go-to-source')) this.openAt(index);
      else if (target.closest('.twisty') || target.closest('.name')) this.toggle(index);
    });
    this.list.element.addEventListener('dblclick', (event) => {
      const index = this.list.indexAt(event.target);
      if (index !== undefined && !(event.target as HTMLElement).closest('.twisty')) this.openAt(index);
    });
    const header = element(
      'div',
      { class: 'columns tree-columns', 'aria-hidden': 'true' },
      element('span', {}, 'Function'),
      element('span', { class: 'num' }, 'Total'),
      element('span', {}, '% of request'),
      element('span', { class: 'num' }, 'Own'),
      sampled ? element('span', { class: 'num', title: SAMPLES_TITLE }, 'Samples') : element('span', { class: 'num' }, 'Calls'),
      element('span', {}),
    );
    const legend = element(
      'div',
      { class: 'legend muted' },
      ...(sampled ? sampledLegend(sampled) : cProfileLegend()),
      element('span', {}, element('span', { class: 'hot-swatch' }), ' hot path'),
      element('span', {}, 'Keys: arrows, Home/End, Enter opens the source, H expands the hot path from the selected node'),
    );
    this.element = element('div', { class: 'tab-body' }, header, this.list.element, this.empty, legend);
  }

  /** (Re)builds the tree with these options, keeping expansion by node id where it still applies. */
  build(foldLibraries: boolean, threshold: number, restore?: TreeRestore): void {
    this.tree = new CallTree(this.model, { foldLibraries, threshold }, this.sampled?.stacks);
    this.generation++;
    this.requestHot = requestHotPath(this.tree);
    this.hot = new Set(this.requestHot);
    const root = this.tree.roots()[0];
    if (restore?.expansion !== undefined) {
      this.expanded = restoreExpansion(this.tree, restore.expansion);
    } else if (Array.isArray(restore?.expanded)) {
      this.expanded = new Set(restore.expanded.flatMap((id) => (typeof id === 'string' ? (this.tree.node(id)?.id ?? []) : [])));
    } else {
      // The request's hot path is expandHotPath from the first root, worked out just above:
      // not walked a second time (a 100,000-deep chain's path is 100,000 nodes).
      this.expanded = root ? new Set(this.requestHot) : new Set();
    }
    this.keep = new Set();
    this.savedList = undefined;
    this.rebuildRows();
    const selectedId = this.restoredSelection(restore);
    const index = selectedId ? this.rows.findIndex((r) => r.node.id === selectedId) : -1;
    this.list.select(index >= 0 ? index : 0, false);
    this.list.reveal(Math.max(0, this.list.selectedIndex), true);
    this.list.refresh();
    this.empty.hidden = this.rows.length > 0;
    this.empty.textContent = this.model.functions.length ? 'Nothing to show with these settings.' : 'No functions were recorded for this request.';
  }

  get hotPathIds(): string[] {
    return this.requestHot;
  }

  get expandedIds(): string[] {
    return [...this.expanded];
  }

  /** The expanded nodes as a list a later tree can restore (TreeRestore.expansion). */
  get savedExpansion(): number[] {
    return (this.savedList ??= saveExpansion(this.tree, this.expanded));
  }

  /** The selected node's path of function indices (for a "other" row, its parent's), or null. */
  get selectedPath(): number[] | null {
    const node = this.selectedNode;
    if (!node) return null;
    const id = node.kind === 'function' ? node.id : node.parentId;
    return id === null ? [] : this.tree.functionPath(id);
  }

  get rowCount(): number {
    return this.rows.length;
  }

  get renderedRows(): number {
    return this.list.renderedCount;
  }

  get selectedNode(): CallTreeNode | undefined {
    return this.rows[this.list.selectedIndex]?.node;
  }

  focus(): void {
    this.list.focus();
  }

  /** Functions' lines changed (late `def` lines): draw the rows again, as they are. */
  redrawLocations(): void {
    this.generation++;
    this.list.refresh();
  }

  /** The selected row's location as drawn, or null when no selected row is drawn. */
  get selectedLocation(): string | null {
    return this.list.element.querySelector('.vrow.selected:not([hidden]) .where')?.textContent ?? null;
  }

  /** Highlight these functions (search); the view reveals matches itself. */
  setMatches(functions: Set<number>): void {
    this.matches = functions;
    this.generation++;
    this.list.refresh();
  }

  /**
   * The path of the node that reveals fn (a search match, "show in call tree" from the call
   * graph): for a sampled tree where fn costs most among the recorded paths, else search.ts's
   * best path from the pairs. null when the tree has no node for fn.
   */
  pathToReveal(fn: number): number[] | null {
    if (this.tree.sampled) return this.tree.heaviestPathTo(fn);
    return revealPath(this.model, fn, this.tree.options.foldLibraries);
  }

  /** Reveal the node at this path of function indices from a root (see reveal); false when the tree has no such path. */
  revealPath(path: readonly number[]): boolean {
    const node = this.tree.nodeAt(path);
    if (node) this.reveal(node.id);
    return node !== undefined;
  }

  /** Expand the path to a node, keep it out of "other", select it and scroll it to the middle. */
  reveal(id: string): void {
    for (const ancestor of this.tree.ancestorIds(id)) this.expanded.add(ancestor);
    this.savedList = undefined;
    this.keep = new Set([id]);
    this.rebuildRows();
    const index = this.rows.findIndex((r) => r.node.id === id);
    if (index >= 0) {
      this.list.select(index, false);
      this.list.reveal(index, true);
    }
    this.list.refresh();
    this.hooks.changed();
  }

  /** The "expand hot path from here" command: opens the hot path below the selected node. */
  expandHotPathFromSelection(): void {
    const node = this.selectedNode;
    if (!node || node.kind !== 'function') return;
    this.expanded = expandHotPath(this.tree, node.id, this.expanded);
    this.savedList = undefined;
    const path = hotPath(this.tree, node.id);
    this.hot = new Set([...this.requestHot, ...path]);
    this.generation++;
    this.rebuildRows();
    const end = this.rows.findIndex((r) => r.node.id === path[path.length - 1]);
    if (end >= 0) {
      this.list.select(end, false);
      this.list.reveal(end, true);
    }
    this.list.refresh();
    this.hooks.changed();
  }

  /** The id of the node to select after build(): the saved one, else the end of the hot path. */
  private restoredSelection(restore: TreeRestore | undefined): string | null | undefined {
    if (restore?.selectedPath === null) return null;
    if (Array.isArray(restore?.selectedPath)) return restore.selectedPath.length ? this.tree.nodeAt(restore.selectedPath)?.id : undefined;
    if (restore?.selectedId !== undefined) return restore.selectedId === null ? null : this.tree.node(restore.selectedId)?.id;
    return this.requestHot[this.requestHot.length - 1];
  }

  private rebuildRows(): void {
    this.rows = this.tree.visibleRows(this.expanded, this.keep);
  }

  private toggle(index: number): void {
    const row = this.rows[index];
    if (!row || row.node.kind !== 'function' || !row.node.hasChildren) return;
    if (row.expanded) this.collapse(index);
    else this.expand(index);
  }

  private expand(index: number): void {
    const row = this.rows[index];
    if (row.expanded || row.node.kind !== 'function' || !row.node.hasChildren) return;
    this.expanded.add(row.node.id);
    this.savedList = undefined;
    row.expanded = true;
    insertAt(this.rows, index + 1, this.tree.rowsBelow(row.node.id, this.expanded, this.keep));
    this.list.refresh();
    this.hooks.changed();
  }

  private collapse(index: number): void {
    const row = this.rows[index];
    if (!row.expanded) return;
    this.expanded.delete(row.node.id);
    this.savedList = undefined;
    row.expanded = false;
    let end = index + 1;
    while (end < this.rows.length && this.rows[end].node.depth > row.node.depth) end++;
    this.rows.copyWithin(index + 1, end);
    this.rows.length -= end - index - 1;
    this.list.refresh();
    this.hooks.changed();
  }

  private openAt(index: number): void {
    const node = this.rows[index]?.node;
    if (node?.kind === 'function') this.hooks.openSource(node.fn);
  }

  private onKey(event: KeyboardEvent, index: number): boolean {
    const row = this.rows[index];
    if (!row) return false;
    switch (event.key) {
      case 'ArrowRight':
        if (row.node.kind === 'function' && row.node.hasChildren && !row.expanded) this.expand(index);
        else if (row.expanded) this.list.select(index + 1);
        return true;
      case 'ArrowLeft': {
        if (row.expanded) {
          this.collapse(index);
          return true;
        }
        const parent = row.node.parentId === null ? -1 : this.rows.findIndex((r) => r.node.id === row.node.parentId);
        if (parent >= 0) this.list.select(parent);
        return true;
      }
      case 'Enter':
        this.openAt(index);
        return true;
      case ' ':
        this.toggle(index);
        return true;
      case 'h':
      case 'H':
        this.expandHotPathFromSelection();
        return true;
    }
    return false;
  }

  private rowKey(index: number): string {
    const { node, expanded } = this.rows[index];
    return `${this.generation}|${node.id}|${expanded}`;
  }

  private renderRow(index: number, row: HTMLElement, selected: boolean): void {
    const parts = this.parts.get(row);
    if (!parts) return;
    const { node, expanded } = this.rows[index];
    const isFunction = node.kind === 'function';
    const info = isFunction ? this.model.functions[node.fn] : undefined;
    const hot = this.hot.has(node.id);
    const match = isFunction && this.matches.has(node.fn);
    row.className = `vrow tree-row${selected ? ' selected' : ''}${hot ? ' hot' : ''}${match ? ' match' : ''}`;
    row.setAttribute('aria-level', String(node.depth + 1));
    const canExpand = isFunction && node.hasChildren;
    if (canExpand) row.setAttribute('aria-expanded', String(expanded));
    else row.removeAttribute('aria-expanded');

    setRowDepth(parts, node.depth, 'Called');
    parts.twistyIcon.hidden = !canExpand;
    parts.twistyIcon.className = `codicon codicon-${expanded ? 'chevron-down' : 'chevron-right'}`;
    if (isFunction && info) {
      showFunction(row, parts, info);
      parts.recursive.hidden = !node.recursive;
      parts.where.hidden = false;
    } else if (node.kind === 'awaiting') {
      parts.name.className = 'name awaiting';
      parts.name.textContent = 'awaiting';
      parts.recursive.hidden = true;
      parts.where.hidden = true;
      row.setAttribute('title', AWAITING_NOTE);
    } else {
      parts.name.className = 'name other';
      parts.name.textContent = node.kind === 'other' ? `other (${node.functions.length} functions under the threshold)` : '';
      parts.recursive.hidden = true;
      parts.where.hidden = true;
      row.removeAttribute('title');
    }

    parts.estimate.hidden = !(isFunction && !node.exact);
    const time = msFormatFor(this.sampled !== undefined);
    parts.timeText.data = time(node.total * 1000);
    parts.bar.style.width = `${Math.min(100, node.fraction * 100)}%`;
    parts.bar.style.backgroundColor = heatCss(node.fraction, 0.55);
    parts.percentText.textContent = formatPercent(node.fraction);
    parts.own.textContent = time(node.own * 1000);
    parts.calls.textContent = formatCalls(node.cc, node.nc);
    parts.goToSource.hidden = !(isFunction && info?.hasSource);
    if (this.sampled) {
      // The samples behind the figures, in the row's tooltip: a sampled time is only as good as they are.
      parts.calls.title = SAMPLES_TITLE;
      const samples = sampledTimeLine(node.total, node.nc, node.own, node.kind === 'other' ? 0 : this.tree.ownSamples(node.id));
      row.setAttribute('title', `${row.getAttribute('title') ?? ''}\n${samples}`.trim());
    }
  }
}

/** The legend of a tree built from cProfile's pairs. */
function cProfileLegend(): HTMLElement[] {
  return [
    element(
      'span',
      { title: ESTIMATE_NOTE },
      element('span', { class: 'estimate-mark' }, '~'),
      ' estimated where a function has several callers',
      codicon('info', ESTIMATE_NOTE),
    ),
    element('span', {}, codicon('sync'), ' recursive call (shown, not expanded again)'),
  ];
}

/** The legend of a tree built from stacks: where its times come from, and awaiting if the request ever waited. */
function sampledLegend({ stacks, sampling }: SampledSource): HTMLElement[] {
  const note =
    'Every row is a path the samples recorded: measured, not estimated. Each sample stands for the time since the previous one, ' +
    'so a time is as good as its samples (in the tooltip): it may be off by about the longest gap.';
  const parts = [element('span', { class: 'sampling-summary', title: note }, `${samplingSummary(sampling)}: exact paths`, codicon('info', note))];
  if (stacks.some((s) => s[2]))
    parts.push(element('span', { title: AWAITING_NOTE }, element('span', { class: 'awaiting' }, 'awaiting'), ': suspended at an await'));
  return parts;
}

/** Inserts items into rows at index in place (splice(index, 0, ...items) overflows the argument limit for big expansions). */
function insertAt<T>(rows: T[], index: number, items: readonly T[]): void {
  const end = rows.length;
  // Grown by push, not by setting length, so that the array stays packed (no holes).
  for (const item of items) rows.push(item);
  rows.copyWithin(index + items.length, index, end);
  for (let i = 0; i < items.length; i++) rows[index + i] = items[i];
}
