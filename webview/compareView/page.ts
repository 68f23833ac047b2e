/**
 * The diff page: the two requests and the summary sentence at the top, the absolute /
 * normalised toggle, and three tabs: Functions (the sortable table of functions), Call tree
 * (treeTab.ts) and Flame (flameTab.ts, the differential flame graph). The mode, the tab and
 * the two files compared are saved in the page's state, so a reload keeps them and a reload of
 * the window reopens the comparison. It shows what the host sends (src/compareView/protocol.ts,
 * over the channel of src/core/webviewChannel.ts) and names a function to open by its index in
 * A or B.
 *
 * Keyboard: Tab reaches the toggle, the tabs, the column headers (Enter sorts) and the table; in
 * the table the arrows, Page Up/Down, Home and End move between rows, and Enter opens the row's
 * source.
 */
import {
  COMPARE_TABS,
  type CompareMode,
  type ComparePageState,
  type CompareProtocol,
  type CompareRow,
  type CompareShow,
  type CompareSortKey,
  type CompareTab,
  type CompareTreeNode,
} from '../../src/compareView/protocol';
import { formatClock, formatMs } from '../../src/core/format';
import { visibleText } from '../../src/core/displayText';
import { PageChannel, type ChannelHandlers } from '../../src/core/webviewChannel';
import { pageError, reportUncaughtErrors, type PageError } from '../shared/pageErrors';
import { pageTransport } from '../shared/pageTransport';
import type { WebviewApi } from '../shared/vscodeApi';
import { rowTexts, sortRows, type SortDirection } from './rows';
import { firstDirection, nextSortOrder } from '../../src/core/sortOrder';
import { sortButton } from '../shared/sortHeader';
import { codicon, custom, element } from '../shared/dom';
import { listKeyTarget, markActiveRow } from '../shared/listKeys';
import { CompareFlameTab } from './flameTab';
import { CompareTreeTab } from './treeTab';

/** Drawing more rows than this makes the page slow to build for little use: sorting brings the others up. */
export const MAX_DRAWN_ROWS = 1000;
const PAGE_ROWS = 20;

const TAB_LABELS: Record<CompareTab, string> = { functions: 'Functions', tree: 'Call tree', flame: 'Flame' };

/** The @vscode-elements tabs element: its selected tab's index. */
interface Tabs extends HTMLElement {
  selectedIndex: number;
}

const COLUMNS: { key: CompareSortKey; label: string; numeric: boolean }[] = [
  { key: 'function', label: 'Function', numeric: false },
  { key: 'a', label: 'A', numeric: true },
  { key: 'b', label: 'B', numeric: true },
  { key: 'change', label: 'Change (B − A)', numeric: true },
];

export class ComparePage {
  private shown: CompareShow | undefined;
  private mode: CompareMode;
  private sort: { key: CompareSortKey; direction: SortDirection } = { key: 'explains', direction: 'descending' };
  private drawnRows: CompareRow[] = [];
  private activeRow = 0;
  private tab: CompareTab;
  private readonly tabs = custom<Tabs>('vscode-tabs', { class: 'tabs' });
  private readonly treeTab = new CompareTreeTab({ open: (node) => this.openNode(node), changed: () => this.reportRendered() });
  private readonly flameTab = new CompareFlameTab((node) => this.openNode(node));
  private readonly channel: PageChannel<CompareProtocol>;
  private readonly app = document.getElementById('app') ?? document.body.appendChild(element('main', { id: 'app' }));
  private readonly title = element('h1', { class: 'title' });
  private readonly sides = element('p', { class: 'sides' });
  private readonly summary = element('p', { class: 'summary', role: 'status', 'aria-live': 'polite' });
  private readonly modeGroup = element('vscode-radio-group' as 'div', { 'aria-label': 'Compare' });
  private readonly head = element('tr');
  private readonly body = element('tbody', { tabindex: '0', 'aria-label': 'Functions: arrows move, Enter opens the source' });
  private readonly note = element('p', { class: 'note muted' });

  constructor(private readonly api: WebviewApi<ComparePageState>) {
    reportUncaughtErrors(window, 'The comparison page failed', (error) => this.reportError(error));
    const saved = api.getState();
    this.mode = saved?.mode === 'normalised' ? 'normalised' : 'absolute';
    this.tab = COMPARE_TABS.includes(saved?.tab as CompareTab) ? saved!.tab! : 'functions';
    this.buildDom();
    this.channel = new PageChannel<CompareProtocol>(pageTransport(api, window), this.hostHandlers(), {
      report: (problem) => this.reportError({ message: `The comparison page failed: ${problem.split('\n')[0]}`, detail: problem }),
    });
    // The host answers with the comparison in this mode (again after each reload).
    this.channel.note('setMode', { mode: this.mode });
  }

  private hostHandlers(): ChannelHandlers<CompareProtocol['host']> {
    return {
      notes: { show: (show) => this.show(show) },
      asks: {},
    } satisfies ChannelHandlers<CompareProtocol['host']>;
  }

  private buildDom(): void {
    const radio = (mode: CompareMode, label: string) => {
      const attributes: Record<string, string> = { name: 'mode', value: mode, label };
      if (mode === this.mode) attributes.checked = '';
      return element('vscode-radio' as 'div', attributes, label);
    };
    this.modeGroup.append(radio('absolute', 'Absolute (ms)'), radio('normalised', 'Normalised (share of each request)'));
    this.modeGroup.addEventListener('change', (event) => {
      // Each radio whose state changed says so (the one unchecked too): only the checked one counts.
      const { value, checked } = event.target as HTMLInputElement;
      if (checked && (value === 'absolute' || value === 'normalised') && value !== this.mode) this.setMode(value);
    });
    const table = element('table', { class: 'functions' }, element('thead', {}, this.head), this.body);
    this.body.addEventListener('keydown', (event) => this.onKey(event));
    this.body.addEventListener('dblclick', (event) => {
      const row = (event.target as Element).closest('tr');
      if (row?.dataset.row !== undefined) this.open(Number(row.dataset.row));
    });
    this.body.addEventListener('click', (event) => {
      const row = (event.target as Element).closest('tr');
      if (row?.dataset.row !== undefined) this.focusRow(Number(row.dataset.row));
    });
    this.app.replaceChildren(
      element(
        'header',
        {},
        this.title,
        this.sides,
        this.summary,
        element('div', { class: 'toolbar' }, element('span', { class: 'muted' }, 'Compare:'), this.modeGroup),
      ),
      this.renderTabs(element('div', { class: 'table-scroll' }, table, this.note)),
    );
    this.app.removeAttribute('aria-busy');
    this.selectTab(this.tab);
  }

  private renderTabs(functions: HTMLElement): HTMLElement {
    const bodies: Record<CompareTab, HTMLElement> = { functions, tree: this.treeTab.element, flame: this.flameTab.element };
    for (const tab of COMPARE_TABS) this.tabs.append(custom('vscode-tab-header', { slot: 'header', id: `tab-${tab}` }, TAB_LABELS[tab]));
    for (const tab of COMPARE_TABS) this.tabs.append(custom('vscode-tab-panel', { 'data-tab': tab }, bodies[tab]));
    this.tabs.addEventListener('vsc-tabs-select', (event) => {
      const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      this.onTabShown(COMPARE_TABS[index] ?? 'functions');
    });
    return this.tabs;
  }

  /** Shows a tab (the saved one at load: set once the tabs are in the page, or they reset it). */
  private selectTab(tab: CompareTab): void {
    this.tabs.selectedIndex = COMPARE_TABS.indexOf(tab);
    this.onTabShown(tab);
  }

  private onTabShown(tab: CompareTab): void {
    this.tab = tab;
    this.api.setState({ ...this.api.getState(), tab });
    if (tab === 'flame') this.flameTab.shown();
    this.reportRendered();
  }

  private setMode(mode: CompareMode): void {
    this.mode = mode;
    this.api.setState({ ...this.api.getState(), mode });
    this.channel.note('setMode', { mode });
  }

  private show(show: CompareShow): void {
    this.shown = show;
    this.mode = show.mode;
    this.title.textContent = `${visibleText(show.b.name)} vs ${visibleText(show.a.name)}`;
    const side = (letter: string, s: CompareShow['a'], total: number) =>
      element(
        'span',
        { class: 'side' },
        element('strong', {}, `${letter}: `),
        `${visibleText(s.name)} · ${formatClock(s.start)} · ${formatMs(total * 1000)} profiled`,
      );
    this.sides.replaceChildren(side('A', show.a, show.totalA), side('B', show.b, show.totalB));
    this.summary.textContent = visibleText(show.summary);
    // The files compared, for the serializer to reopen them after a reload of the window.
    this.api.setState({ ...this.api.getState(), a: show.a.source, b: show.b.source });
    this.treeTab.show(show.comparisonId, show.tree, show.mode);
    this.flameTab.show(show.tree, show.mode);
    this.draw();
  }

  private draw(): void {
    const show = this.shown;
    if (!show) return;
    this.drawHead();
    const sorted = sortRows(show.rows, this.sort.key, this.sort.direction, this.mode);
    this.drawnRows = sorted.slice(0, MAX_DRAWN_ROWS);
    const rows = this.drawnRows.map((row, i) => this.rowElement(row, i));
    this.body.replaceChildren(...rows);
    this.note.textContent =
      show.rows.length > this.drawnRows.length
        ? `Showing the first ${this.drawnRows.length} of ${show.rows.length} functions: sort by a column to see others.`
        : '';
    this.activeRow = Math.min(this.activeRow, Math.max(0, this.drawnRows.length - 1));
    this.markActive(false);
    this.reportRendered();
  }

  /** What the page shows now, for the host (tests read it): after each drawing and tab change. */
  private reportRendered(): void {
    const show = this.shown;
    if (!show) return;
    this.channel.note('rendered', {
      comparisonId: show.comparisonId,
      mode: this.mode,
      sort: this.sort.key,
      drawn: this.drawnRows.length,
      rows: show.rows.length,
      firstFunction: this.drawnRows[0]?.displayName ?? null,
      tab: this.tab,
      treeRows: this.treeTab.rowCount,
      treeSelected: this.treeTab.selectedName,
    });
  }

  private drawHead(): void {
    const cells = COLUMNS.map(({ key, label, numeric }) => {
      const sorted = this.sort.key === key ? this.sort.direction : null;
      const button = sortButton(label, { title: `Sort by ${label}` }, sorted, () => this.sortBy(key));
      const attributes: Record<string, string> = { scope: 'col', class: numeric ? 'numeric' : '' };
      attributes['aria-sort'] = sorted ?? (key === 'change' && this.sort.key === 'explains' ? 'other' : 'none');
      return element('th', attributes, button);
    });
    const valueUnit = this.mode === 'absolute' ? 'own time' : 'share of the request (own time)';
    this.head.replaceChildren(...cells);
    this.head.title = `A and B: ${valueUnit}. Unsorted, the rows are in the order of what explains the difference most.`;
  }

  /** A column's first click sorts it (names A→Z, numbers largest first), the next reverses; Change's third goes back to "what explains". */
  private sortBy(key: CompareSortKey): void {
    const numeric = key !== 'function';
    // Change's third click goes back to "what explains" (the view's own order); the others' third click starts again.
    if (this.sort.key === key && this.sort.direction !== firstDirection(numeric))
      this.sort = key === 'change' ? { key: 'explains', direction: 'descending' } : { key, direction: firstDirection(numeric) };
    else this.sort = nextSortOrder(this.sort, key, numeric);
    this.activeRow = 0;
    this.draw();
  }

  private rowElement(row: CompareRow, index: number): HTMLTableRowElement {
    const texts = rowTexts(row, this.mode);
    const name = element('td', { class: 'name', title: `${visibleText(row.file)}:${row.line}` });
    if (row.status !== 'both') name.append(codicon(row.status === 'new' ? 'diff-added' : 'diff-removed'), ' ');
    name.append(texts.name);
    if (texts.statusWord) name.append(' ', element('span', { class: `status ${row.status}` }, texts.statusWord));
    const arrow = texts.direction === 'slower' ? codicon('arrow-up') : texts.direction === 'faster' ? codicon('arrow-down') : '';
    const changeTitle = texts.direction === 'slower' ? 'slower in B' : texts.direction === 'faster' ? 'faster in B' : 'unchanged';
    return element(
      'tr',
      { 'data-row': String(index), tabindex: '-1', class: texts.direction, 'aria-rowindex': String(index + 2) },
      name,
      element('td', { class: 'numeric' }, texts.a),
      element('td', { class: 'numeric' }, texts.b),
      element('td', { class: 'numeric change', title: changeTitle }, arrow, arrow ? ' ' : '', texts.change),
    );
  }

  private onKey(event: KeyboardEvent): void {
    const target = listKeyTarget(event.key, this.activeRow, this.drawnRows.length - 1, PAGE_ROWS);
    if (target !== undefined) {
      event.preventDefault();
      this.focusRow(target);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      this.open(this.activeRow);
    }
  }

  private focusRow(index: number): void {
    this.activeRow = index;
    this.markActive(true);
  }

  private markActive(focus: boolean): void {
    markActiveRow(this.body, this.activeRow, focus);
  }

  private open(index: number): void {
    const row = this.drawnRows[index];
    const show = this.shown;
    if (!row || !show) return;
    const [side, fn] = row.indexB !== null ? (['b', row.indexB] as const) : (['a', row.indexA!] as const);
    this.channel.note('openFunction', { comparisonId: show.comparisonId, side, function: fn });
  }

  /** A node of the Call tree or Flame tab: its function in B, or in A where it is not in B. */
  private openNode(node: CompareTreeNode): void {
    const show = this.shown;
    if (!show) return;
    if (node.fnB !== null) this.channel.note('openFunction', { comparisonId: show.comparisonId, side: 'b', function: node.fnB });
    else if (node.fnA !== null) this.channel.note('openFunction', { comparisonId: show.comparisonId, side: 'a', function: node.fnA });
  }

  private reportError(error: PageError): void {
    this.note.textContent = error.message;
    try {
      this.channel.note('error', error);
    } catch (failure) {
      console.error(pageError('Could not report an error', failure));
    }
  }
}
