/**
 * The Callers tab: bottom-up for the selected function (src/core/callers.ts). The function is
 * at the top; below it, who called it and how much of its time came from each caller,
 * expandable up to the entry point. A sampled profile's callers come from its stacks: measured
 * chains, samples instead of calls, no estimate marks.
 */
import { CallersTree, type CallerNode } from '../../src/core/callers';
import { ESTIMATE_NOTE } from '../../src/core/callTree';
import { visibleText } from '../../src/core/displayText';
import { formatCalls, formatPercent } from '../../src/core/format';
import { heatCss } from '../../src/core/heat';
import type { ProfileModel } from '../../src/core/profileModel';
import { msFormatFor, sampledTimeLine, samplingSummary } from '../../src/core/sampledFigures';
import { stacksTime } from '../../src/core/sampledFunctions';
import { element } from './dom';
import type { SampledSource } from './treeTab';
import { createTreeRow, setRowDepth, showFunction, type TreeRowParts } from './treeRow';
import { VirtualList } from './virtualList';

/** Callers rows: the recursion mark says why a caller is not expanded; no own-time column. */
const CALLER_ROW = {
  recursiveTitle: 'Recursive: this caller is already in the chain below, so it is not expanded again.',
  ownColumn: false,
};

export interface CallersTabHooks {
  openSource(fn: number): void;
  changed(): void;
}

export class CallersTab {
  readonly element: HTMLElement;
  private tree: CallersTree | undefined;
  private rows: CallerNode[] = [];
  private expanded = new Set<string>();
  private readonly list: VirtualList;
  private readonly title = element('div', { class: 'callers-title' });
  /** Bumped when the function changes. */
  private generation = 0;
  /** The inner elements of each pooled row element, made once (createTreeRow). */
  private readonly parts = new WeakMap<HTMLElement, TreeRowParts>();

  /** Sampled profiles: what shares of the request are of (all the stacks' time, as in the call tree). */
  private readonly sampledTime: number;

  constructor(
    private readonly model: ProfileModel,
    private readonly hooks: CallersTabHooks,
    private readonly sampled?: SampledSource,
  ) {
    this.sampledTime = sampled ? stacksTime(sampled.stacks) : model.totalTime;
    this.list = new VirtualList(
      {
        count: () => this.rows.length,
        createRow: (row) => this.parts.set(row, createTreeRow(row, CALLER_ROW)),
        render: (i, row, selected) => this.renderRow(i, row, selected),
        key: (i) => this.rowKey(i),
      },
      { name: 'callers', label: 'Callers', role: 'tree', rowRole: 'treeitem', onKey: (e, i) => this.onKey(e, i) },
    );
    this.list.element.addEventListener('click', (event) => {
      const index = this.list.indexAt(event.target);
      if (index === undefined) return;
      const target = event.target as HTMLElement;
      if (target.closest('.go-to-source')) this.hooks.openSource(this.rows[index].fn);
      else if (target.closest('.twisty') || target.closest('.name')) this.toggle(index);
    });
    this.list.element.addEventListener('dblclick', (event) => {
      const index = this.list.indexAt(event.target);
      if (index !== undefined && !(event.target as HTMLElement).closest('.twisty')) this.hooks.openSource(this.rows[index].fn);
    });
    const header = element(
      'div',
      { class: 'columns callers-columns', 'aria-hidden': 'true' },
      element('span', {}, 'Caller'),
      element('span', { class: 'num' }, 'Time'),
      element('span', {}, '% of the function'),
      element('span', { class: 'num' }, sampled ? 'Samples' : 'Calls'),
      element('span', {}),
    );
    const legend = sampled
      ? element(
          'div',
          { class: 'legend muted' },
          element(
            'span',
            {},
            `${samplingSummary(sampled.sampling)}. Each chain of callers is measured on the stacks that had it above the function's outermost call, ` +
              'so callers add up to the function’s total at every level; nothing is estimated.',
          ),
        )
      : element(
          'div',
          { class: 'legend muted' },
          element('span', {}, 'The first level is recorded by cProfile; further up, time is apportioned among callers '),
          element('span', { title: ESTIMATE_NOTE }, '(', element('span', { class: 'estimate-mark' }, '~'), ' marks estimates).'),
        );
    this.element = element('div', { class: 'tab-body' }, this.title, header, this.list.element, legend);
    this.showFunction(null);
  }

  get function(): number | null {
    return this.tree ? this.tree.target : null;
  }

  /** The selected row's function (S opens its sandwich), or null. */
  get selectedFunction(): number | null {
    return this.rows[this.list.selectedIndex]?.fn ?? null;
  }

  get expandedIds(): string[] {
    return [...this.expanded];
  }

  focus(): void {
    this.list.focus();
  }

  /** Functions' lines changed (late `def` lines): the title and rows again, expansion kept. */
  redrawLocations(): void {
    if (!this.tree) return;
    this.showTitle(this.tree.target);
    this.generation++;
    this.list.refresh();
  }

  /** Show the callers of fn (null: ask the user to pick one), expanding the first level. */
  showFunction(fn: number | null, expanded?: readonly string[]): void {
    if (fn === null || !this.model.functions[fn]) {
      this.tree = undefined;
      this.rows = [];
      this.title.textContent = 'Select a function in the call tree or the function table to see its callers.';
      this.list.refresh();
      return;
    }
    if (this.tree?.target === fn && !expanded) return;
    this.tree = new CallersTree(this.model, fn, this.sampled?.stacks, this.sampledTime);
    this.generation++;
    this.expanded = new Set(expanded ?? [String(fn)]);
    this.showTitle(fn);
    this.rows = this.tree.visibleRows(this.expanded);
    this.list.select(0, false);
    this.list.refresh();
  }

  private showTitle(fn: number): void {
    const info = this.model.functions[fn];
    this.title.replaceChildren(
      'Callers of ',
      element('strong', {}, visibleText(info.displayName)),
      element('span', { class: 'muted' }, `  ${info.kind === 'builtin' ? 'built-in' : visibleText(`${info.file}:${info.line}`)}`),
    );
  }

  private toggle(index: number): void {
    const row = this.rows[index];
    if (!row?.hasCallers || !this.tree) return;
    if (this.expanded.has(row.id)) this.expanded.delete(row.id);
    else this.expanded.add(row.id);
    this.rows = this.tree.visibleRows(this.expanded);
    this.list.refresh();
    this.hooks.changed();
  }

  private onKey(event: KeyboardEvent, index: number): boolean {
    const row = this.rows[index];
    if (!row) return false;
    const open = this.expanded.has(row.id) && row.hasCallers;
    switch (event.key) {
      case 'ArrowRight':
        if (row.hasCallers && !open) this.toggle(index);
        else if (open) this.list.select(index + 1);
        return true;
      case 'ArrowLeft': {
        if (open) {
          this.toggle(index);
          return true;
        }
        const parent = this.rows.findIndex((r) => r.id === row.parentId);
        if (parent >= 0) this.list.select(parent);
        return true;
      }
      case ' ':
        this.toggle(index);
        return true;
      case 'Enter':
        this.hooks.openSource(row.fn);
        return true;
    }
    return false;
  }

  private rowKey(index: number): string {
    const node = this.rows[index];
    return `${this.generation}|${node.id}|${this.expanded.has(node.id)}`;
  }

  private renderRow(index: number, row: HTMLElement, selected: boolean): void {
    const parts = this.parts.get(row);
    if (!parts) return;
    const node = this.rows[index];
    const info = this.model.functions[node.fn];
    const open = this.expanded.has(node.id) && node.hasCallers;
    row.className = `vrow callers-row${selected ? ' selected' : ''}`;
    row.setAttribute('aria-level', String(node.depth + 1));
    if (node.hasCallers) row.setAttribute('aria-expanded', String(open));
    else row.removeAttribute('aria-expanded');
    setRowDepth(parts, node.depth, 'Caller');
    parts.twistyIcon.hidden = !node.hasCallers;
    parts.twistyIcon.className = `codicon codicon-${open ? 'chevron-down' : 'chevron-right'}`;
    showFunction(row, parts, info);
    parts.recursive.hidden = !node.recursive;
    parts.estimate.hidden = node.exact;
    parts.timeText.data = msFormatFor(this.sampled !== undefined)(node.time * 1000);
    parts.bar.style.width = `${Math.min(100, node.shareOfTarget * 100)}%`;
    parts.bar.style.backgroundColor = heatCss(node.fraction, 0.55);
    parts.percentText.textContent = formatPercent(node.shareOfTarget);
    parts.calls.textContent = formatCalls(node.cc, node.nc);
    parts.goToSource.hidden = !info.hasSource;
    if (this.sampled) row.setAttribute('title', `${row.getAttribute('title') ?? ''}\n${sampledTimeLine(node.time, node.nc, 0, 0)}`);
  }
}
