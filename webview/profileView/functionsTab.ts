/**
 * The Functions tab: every profiled function with its recorded (exact) numbers, sortable by
 * clicking a column header (again to reverse), in a virtual list. Search narrows the rows to
 * the matching functions. Enter or double-click opens the source; selecting a row makes it
 * the Callers tab's function. Its rows are listed and sorted only when the tab is first shown
 * (show()): a profile opens on the call tree, and 20,000 functions' rows (100,000 in a deep
 * chain) were a good part of its first paint. A sampled profile's rows come from its stacks
 * (src/core/sampledFunctions.ts): samples instead of calls, and awaiting apart from own time.
 */
import { visibleText } from '../../src/core/displayText';
import { formatCalls, formatPercent } from '../../src/core/format';
import { functionLocation, functionRows, sortFunctionRows, type FunctionColumn, type FunctionRow } from '../../src/core/functionTable';
import { nextSortOrder, type SortDirection } from '../../src/core/sortOrder';
import { sortButton, sortLabel } from '../shared/sortHeader';
import type { ProfileModel } from '../../src/core/profileModel';
import { formatSampledMs, msFormatFor, samplesText, samplingSummary } from '../../src/core/sampledFigures';
import { sampledFunctionFigures } from '../../src/core/sampledFunctions';
import { element, goToSourceButton } from './dom';
import type { SampledSource } from './treeTab';
import { VirtualList } from './virtualList';

export interface FunctionsSort {
  column: FunctionColumn;
  direction: SortDirection;
}

export const DEFAULT_FUNCTIONS_SORT: FunctionsSort = { column: 'own', direction: 'descending' };

interface Column {
  key: FunctionColumn;
  label: string;
  numeric: boolean;
  cell(row: FunctionRow): string;
}

/** The columns; a sampled profile's say samples and round its times to what sampling measures. */
function columnsFor(sampled: boolean): Column[] {
  const time = msFormatFor(sampled);
  return [
    { key: 'name', label: 'Function', numeric: false, cell: (r) => r.name },
    { key: 'own', label: 'Own', numeric: true, cell: (r) => `${time(r.own * 1000)}  ${formatPercent(r.ownFraction)}` },
    { key: 'total', label: 'Total', numeric: true, cell: (r) => `${time(r.total * 1000)}  ${formatPercent(r.totalFraction)}` },
    { key: 'calls', label: sampled ? 'Samples' : 'Calls', numeric: true, cell: (r) => formatCalls(r.cc, r.nc) },
    { key: 'location', label: 'File', numeric: false, cell: (r) => r.location || 'built-in' },
  ];
}

const NAME_COLUMN = 0;

export interface FunctionsTabHooks {
  openSource(fn: number): void;
  selectFunction(fn: number): void;
  changed(): void;
}

export class FunctionsTab {
  readonly element: HTMLElement;
  private readonly model: ProfileModel;
  /** Every function's row, made when the tab is first shown. */
  private all?: FunctionRow[];
  /** Whether the tab has been shown: until then a sort or filter is only kept. */
  private shown = false;
  private rows: FunctionRow[] = [];
  private filter: Set<number> | null = null;
  private readonly list: VirtualList;
  private readonly headers = new Map<FunctionColumn, HTMLButtonElement>();
  private readonly count = element('div', { class: 'legend muted', 'aria-live': 'polite' });
  /** Bumped when rows are re-sorted or filtered. */
  private generation = 0;
  /** The cells of each pooled row element, made once (createFunctionRow). */
  private readonly parts = new WeakMap<HTMLElement, FunctionRowParts>();
  private readonly columns: Column[];

  constructor(
    model: ProfileModel,
    private sort: FunctionsSort,
    private readonly hooks: FunctionsTabHooks,
    private readonly sampled?: SampledSource,
  ) {
    this.model = model;
    this.columns = columnsFor(sampled !== undefined);
    this.list = new VirtualList(
      {
        count: () => this.rows.length,
        createRow: (row) => this.parts.set(row, createFunctionRow(row, this.columns)),
        render: (i, row, selected) => this.renderRow(i, row, selected),
        key: (i) => `${this.generation}|${this.rows[i].fn}`,
      },
      {
        name: 'functions',
        label: 'Functions',
        role: 'grid',
        rowRole: 'row',
        onSelect: (i) => {
          const row = this.rows[i];
          if (row) this.hooks.selectFunction(row.fn);
        },
        onKey: (event, i) => {
          if (event.key !== 'Enter' || !this.rows[i]) return false;
          this.hooks.openSource(this.rows[i].fn);
          return true;
        },
      },
    );
    this.list.element.addEventListener('dblclick', (event) => {
      const index = this.list.indexAt(event.target);
      if (index !== undefined && this.rows[index]) this.hooks.openSource(this.rows[index].fn);
    });
    this.list.element.addEventListener('click', (event) => {
      const index = this.list.indexAt(event.target);
      if (index !== undefined && (event.target as HTMLElement).closest('.go-to-source')) this.hooks.openSource(this.rows[index].fn);
    });
    const header = element('div', { class: 'columns functions-columns', role: 'row' });
    for (const column of this.columns) {
      const button = sortButton(column.label, { class: `sort${column.numeric ? ' num' : ''}`, role: 'columnheader' }, null, () => this.sortBy(column.key));
      this.headers.set(column.key, button);
      header.append(button);
    }
    header.append(element('span', {}));
    this.element = element('div', { class: 'tab-body' }, header, this.list.element, this.count);
  }

  /** The tab is on screen: list the rows the first time, as they are sorted and filtered by now. */
  show(): void {
    if (this.shown) return;
    this.shown = true;
    this.apply();
  }

  /** The selected row's function (S opens its sandwich), or null. */
  get selectedFunction(): number | null {
    return this.rows[this.list.selectedIndex]?.fn ?? null;
  }

  get sorting(): FunctionsSort {
    return this.sort;
  }

  focus(): void {
    this.list.focus();
  }

  /**
   * Functions' lines changed (late `def` lines): each row takes its function's line, in place.
   * Not re-sorted, so the selected row stays the selected function.
   */
  redrawLocations(model: ProfileModel): void {
    // Rows not made yet (the tab never shown) will be made from the model, lines and all.
    if (!this.all) return;
    for (const row of this.all) {
      const info = model.functions[row.fn];
      if (row.line === info.line) continue;
      row.line = info.line;
      row.location = functionLocation(info);
    }
    this.generation++;
    this.list.refresh();
  }

  /** Show only these functions (a search), or all with null. */
  setFilter(functions: Set<number> | null): void {
    this.filter = functions;
    this.apply();
  }

  private sortBy(column: FunctionColumn): void {
    const numeric = this.columns.find((c) => c.key === column)?.numeric ?? false;
    const { key, direction } = nextSortOrder({ key: this.sort.column, direction: this.sort.direction }, column, numeric);
    this.sort = { column: key, direction };
    this.apply();
    this.hooks.changed();
  }

  private apply(): void {
    if (!this.shown) return;
    const sampled = this.sampled;
    const all = (this.all ??= functionRows(this.model, sampled && sampledFunctionFigures(this.model.functions.length, sampled.stacks)));
    const shown = this.filter ? all.filter((r) => this.filter!.has(r.fn)) : all;
    this.rows = sortFunctionRows(shown, this.sort.column, this.sort.direction);
    this.generation++;
    for (const [key, button] of this.headers) {
      const active = key === this.sort.column;
      button.setAttribute('aria-sort', active ? this.sort.direction : 'none');
      button.replaceChildren(...sortLabel(this.columns.find((c) => c.key === key)!.label, active ? this.sort.direction : null));
    }
    const times = sampled
      ? `${samplingSummary(sampled.sampling)}, on whole stacks: own time running at the top of the stack (waiting at an await is not own time), total time on the stack, counted once per sample across recursion.`
      : 'Times are as recorded (exact): own time, and total time counted once across recursion.';
    this.count.textContent = this.filter ? `${this.rows.length} of ${all.length} functions match the search. ${times}` : `${all.length} functions. ${times}`;
    this.list.refresh();
  }

  private renderRow(index: number, row: HTMLElement, selected: boolean): void {
    const parts = this.parts.get(row);
    if (!parts) return;
    const data = this.rows[index];
    row.className = `vrow functions-row${selected ? ' selected' : ''}`;
    const title = data.location ? `${visibleText(data.name)}\n${visibleText(data.location)}` : visibleText(data.name);
    row.setAttribute('title', this.sampled ? `${title}\n${sampledRowLine(data)}` : title);
    this.columns.forEach((column, i) => {
      parts.cells[i].textContent = visibleText(column.cell(data));
    });
    parts.cells[NAME_COLUMN].className = `name kind-${data.kind}`;
    parts.goToSource.hidden = !data.hasSource;
  }
}

/** A sampled row's tooltip line: the samples behind its total, and its time awaiting if any. */
function sampledRowLine(row: FunctionRow): string {
  const awaiting = row.awaiting ? `; ${formatSampledMs(row.awaiting * 1000)} of its total waiting at its awaits, not in own` : '';
  return `on the stack in ${samplesText(row.nc)}${awaiting}`;
}

/** The elements of a function row that renderRow() updates. */
interface FunctionRowParts {
  /** One per column, in COLUMNS order. */
  cells: HTMLElement[];
  goToSource: HTMLElement;
}

/** Builds a pooled row's cells once: one per column, then the go-to-source button. */
function createFunctionRow(row: HTMLElement, columns: Column[]): FunctionRowParts {
  const cells = columns.map((column) => element('span', { class: column.numeric ? 'num' : column.key === 'name' ? 'name' : 'where muted', role: 'gridcell' }));
  const goToSource = goToSourceButton();
  row.append(...cells, element('span', { class: 'actions' }, goToSource));
  return { cells, goToSource };
}
