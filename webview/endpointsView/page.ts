/**
 * The Endpoints overview page: a sortable table of every endpoint (count, median, p95, max,
 * errors) with a strip of its requests' durations in each row (a histogram of all of them behind
 * a mark per marked request, on one log scale shared by every row), and under it the selected
 * endpoint's durations over time. It shows what the host sends (src/endpointsView/protocol.ts,
 * over the channel of src/core/webviewChannel.ts) and names a request to open by the number the
 * host gave it.
 *
 * Keyboard: Tab reaches the column headers (Enter sorts), the table and the time chart. In the
 * table the arrows, Page Up/Down, Home and End move between endpoints (the one reached is
 * selected); Right enters the row's marks (Left/Right move from fastest to slowest, Enter
 * opens the request, Escape goes back to the rows). In the time chart Left/Right move from the
 * oldest request to the newest, Home/End go to the ends, Enter opens.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import { nextSortOrder } from '../../src/core/sortOrder';
import { sortButton } from '../shared/sortHeader';
import type { EndpointsPageState, EndpointsProtocol, EndpointsShow, EndpointsSortKey, OverviewEndpoint, SortDirection } from '../../src/endpointsView/protocol';
import { scalePosition, scaleTicks, tickLabel } from '../../src/core/durationScale';
import { fastestFirst, isSlowMark, markTitle, sortEndpoints, spanText, timelinePoint, type ChartBox } from '../../src/core/endpointCharts';
import { formatClock, formatMs } from '../../src/core/format';
import { visibleText } from '../../src/core/displayText';
import { PageChannel, type ChannelHandlers } from '../../src/core/webviewChannel';
import { pageError, reportUncaughtErrors, type PageError } from '../shared/pageErrors';
import { pageTransport } from '../shared/pageTransport';
import type { WebviewApi } from '../shared/vscodeApi';
import { codicon, element } from '../shared/dom';
import { listKeyTarget, markActiveRow } from '../shared/listKeys';
import { svg } from './svg';

const PAGE_ROWS = 10;
const STRIP = { width: 240, height: 26 };
const TIMELINE_HEIGHT = 220;

const COLUMNS: { key: EndpointsSortKey; label: string; numeric: boolean; title: string }[] = [
  { key: 'endpoint', label: 'Endpoint', numeric: false, title: 'Method and route template (or the path with ids folded)' },
  { key: 'count', label: 'Requests', numeric: true, title: 'Profiled requests' },
  { key: 'median', label: 'Median', numeric: true, title: 'Median wall time' },
  { key: 'p95', label: 'p95', numeric: true, title: '95th percentile of the wall time' },
  { key: 'max', label: 'Max', numeric: true, title: 'Slowest request' },
  { key: 'errors', label: 'Errors', numeric: true, title: 'Requests that raised or answered 5xx' },
];

/** Where the keyboard is: on the rows, or on one row's marks. */
type TableFocus = { on: 'rows' } | { on: 'marks'; order: number[]; at: number };

export class EndpointsPage {
  private shown: EndpointsShow | undefined;
  private sort: { key: EndpointsSortKey; direction: SortDirection };
  private selected: string | null;
  private rows: OverviewEndpoint[] = [];
  private activeRow = 0;
  private tableFocus: TableFocus = { on: 'rows' };
  private timelineAt = -1;
  private readonly channel: PageChannel<EndpointsProtocol>;
  private readonly app = document.getElementById('app') ?? document.body.appendChild(element('main', { id: 'app' }));
  private readonly summary = element('p', { class: 'summary' });
  private readonly head = element('tr');
  private readonly body = element('tbody', {
    tabindex: '0',
    'aria-label': 'Endpoints: Up and Down select an endpoint, Right walks its requests, Enter opens one',
  });
  private readonly table = element('table', { class: 'endpoints' }, element('thead', {}, this.head), this.body);
  private readonly empty = element('div', { class: 'empty', hidden: '' });
  private readonly timelineTitle = element('h2', { class: 'timeline-title' });
  private readonly timelineNote = element('p', { class: 'muted timeline-note' });
  private readonly timeline = svg('svg', {
    class: 'timeline',
    tabindex: '0',
    role: 'group',
    'aria-label': 'Durations over time: Left and Right walk the requests, Enter opens one',
  });
  private readonly status = element('p', { class: 'status muted', role: 'status', 'aria-live': 'polite' });
  private readonly note = element('p', { class: 'note muted' });

  constructor(private readonly api: WebviewApi<EndpointsPageState>) {
    reportUncaughtErrors(window, 'The endpoints overview failed', (error) => this.reportError(error));
    const state = api.getState();
    this.sort = state?.sort ?? { key: 'median', direction: 'descending' };
    this.selected = state?.selected ?? null;
    this.buildDom();
    this.channel = new PageChannel<EndpointsProtocol>(pageTransport(api, window), this.hostHandlers(), {
      report: (problem) => this.reportError({ message: `The endpoints overview failed: ${problem.split('\n')[0]}`, detail: problem }),
    });
    new ResizeObserver(() => this.drawTimeline()).observe(this.timeline as unknown as Element);
  }

  private hostHandlers(): ChannelHandlers<EndpointsProtocol['host']> {
    return {
      notes: { show: (show) => this.show(show) },
      asks: {},
    } satisfies ChannelHandlers<EndpointsProtocol['host']>;
  }

  private buildDom(): void {
    this.body.addEventListener('keydown', (event) => this.onTableKey(event));
    this.body.addEventListener('click', (event) => {
      const target = event.target as Element;
      const mark = target.closest('[data-request]');
      if (mark) return this.open(Number(mark.getAttribute('data-request')));
      const row = target.closest('tr');
      if (row?.dataset.row !== undefined) this.activate(Number(row.dataset.row), false);
    });
    this.body.addEventListener('mouseover', (event) => {
      const mark = (event.target as Element).closest('.mark');
      if (mark) this.describeMark(mark);
    });
    this.timeline.addEventListener('click', (event) => {
      const mark = (event.target as Element).closest('[data-request]');
      if (mark) this.open(Number(mark.getAttribute('data-request')));
    });
    this.timeline.addEventListener('keydown', (event) => this.onTimelineKey(event));
    this.app.replaceChildren(
      element('header', {}, element('h1', { class: 'title' }, 'Endpoints'), this.summary),
      element(
        'div',
        { class: 'scroll' },
        this.empty,
        this.table,
        element('section', { class: 'timeline-section' }, this.timelineTitle, this.timelineNote, this.timeline),
        this.status,
        this.note,
      ),
    );
    this.app.removeAttribute('aria-busy');
  }

  private show(show: EndpointsShow): void {
    // The request the time chart's keyboard is on stays the one it is on, wherever the update puts it.
    const before = this.rows.find((row) => row.id === this.selected);
    const timelineStart = before && this.timelineAt >= 0 ? before.marks.start[this.timelineAt] : undefined;
    this.shown = show;
    if (show.select !== null) this.selected = show.select;
    const count = show.endpoints.length;
    this.summary.textContent = count
      ? `${show.requests.toLocaleString('en')} request${show.requests === 1 ? '' : 's'} in ${count} endpoint${count === 1 ? '' : 's'}. Durations are wall times on a log scale (${tickLabel(show.scale.minMs)} to ${tickLabel(show.scale.maxMs)}); a mark is a request (click it to open its profile), the bars behind count every request.`
      : '';
    const after = show.endpoints.find((endpoint) => endpoint.id === this.selected);
    this.timelineAt = timelineStart === undefined || !after ? -1 : after.marks.start.indexOf(timelineStart);
    this.draw();
  }

  private draw(): void {
    const show = this.shown;
    if (!show) return;
    const hasEndpoints = show.endpoints.length > 0;
    this.empty.hidden = hasEndpoints;
    this.table.hidden = !hasEndpoints;
    if (!hasEndpoints) {
      const where = show.folders.length ? `in ${show.folders.map(visibleText).join(', ')}` : 'in the profile folders';
      this.empty.replaceChildren(
        element('p', {}, codicon('pulse'), ' No request profiles yet.'),
        element('p', { class: 'muted' }, `Endpoints appear here as the middleware writes profiles ${where}.`),
      );
    }
    this.drawHead();
    this.rows = sortEndpoints(show.endpoints, this.sort.key, this.sort.direction);
    if (!this.rows.some((row) => row.id === this.selected)) this.selected = this.rows[0]?.id ?? null;
    this.activeRow = Math.max(
      0,
      this.rows.findIndex((row) => row.id === this.selected),
    );
    const focusWasInTable = this.body.contains(document.activeElement);
    this.body.replaceChildren(...this.rows.map((row, i) => this.rowElement(row, i)));
    this.tableFocus = { on: 'rows' };
    this.markActive(focusWasInTable);
    this.drawTimeline();
    this.saveState();
    this.noteRendered();
  }

  /** Tells the host what is drawn (the rows in order, the selected endpoint's time chart). */
  private noteRendered(): void {
    const show = this.shown;
    if (!show) return;
    this.channel.note('rendered', {
      overviewId: show.overviewId,
      sort: this.sort.key,
      direction: this.sort.direction,
      endpoints: this.rows.map((row, i) => ({
        key: row.key,
        count: row.count,
        marks: this.body.children[i]?.querySelectorAll('[data-request]').length ?? 0,
      })),
      selected: this.selected,
      timelineMarks: this.timeline.querySelectorAll('[data-request]').length,
    });
  }

  private drawHead(): void {
    const cells = COLUMNS.map(({ key, label, numeric, title }) => {
      const sorted = this.sort.key === key ? this.sort.direction : null;
      const button = sortButton(label, { title: `${title}: click to sort` }, sorted, () => this.sortBy(key));
      return element('th', { scope: 'col', class: numeric ? 'numeric' : '', 'aria-sort': sorted ?? 'none' }, button);
    });
    cells.push(element('th', { scope: 'col', class: 'strip-head' }, this.axis()));
    this.head.replaceChildren(...cells);
  }

  /** The strip column's header: the shared scale's decades. */
  private axis(): SVGSVGElement {
    const show = this.shown!;
    const axis = svg('svg', { class: 'axis', width: STRIP.width, height: 18, role: 'img', 'aria-label': 'Durations, log scale' });
    for (const tick of scaleTicks(show.scale)) {
      const x = 2 + scalePosition(show.scale, tick) * (STRIP.width - 4);
      const anchor = x < 20 ? 'start' : x > STRIP.width - 20 ? 'end' : 'middle';
      axis.append(svg('line', { x1: x, x2: x, y1: 13, y2: 18, class: 'tick' }), svg('text', { x, y: 10, 'text-anchor': anchor }, tickLabel(tick)));
    }
    return axis;
  }

  /** A column's first click sorts it (names A→Z, numbers largest first), the next reverses. */
  private sortBy(key: EndpointsSortKey): void {
    this.sort = nextSortOrder(this.sort, key, key !== 'endpoint');
    this.draw();
  }

  private rowElement(row: OverviewEndpoint, index: number): HTMLTableRowElement {
    const source = row.route
      ? `${visibleText(row.route.framework)} route${row.route.name === null ? '' : ` ${visibleText(row.route.name)}`}`
      : 'grouped by path, ids folded (these profiles record no route)';
    const name = element(
      'td',
      { class: 'name', title: `${visibleText(row.key)}\n${source}` },
      codicon(row.route ? 'symbol-method' : 'symbol-namespace'),
      ' ',
      visibleText(row.key),
    );
    const errors = element('td', { class: 'numeric' });
    if (row.errorCount)
      errors.append(element('vscode-badge' as 'span', { variant: 'counter', title: `${row.errorCount} raised or answered 5xx` }, String(row.errorCount)));
    else errors.append('0');
    return element(
      'tr',
      { 'data-row': String(index), tabindex: '-1', 'aria-rowindex': String(index + 2), 'aria-selected': String(row.id === this.selected) },
      name,
      element('td', { class: 'numeric' }, String(row.count)),
      element('td', { class: 'numeric' }, formatMs(row.medianMs)),
      element('td', { class: 'numeric' }, formatMs(row.p95Ms)),
      element('td', { class: 'numeric' }, formatMs(row.maxMs)),
      errors,
      element('td', { class: 'strip-cell' }, this.strip(row)),
    );
  }

  /** A row's strip: the histogram of every request, and a mark per marked request (x = duration). */
  private strip(row: OverviewEndpoint): Node {
    const show = this.shown!;
    const { width, height } = STRIP;
    const plot = svg('svg', { class: 'strip', width, height, role: 'group', 'aria-label': `Durations of ${visibleText(row.key)}` });
    const tallest = Math.max(1, ...row.histogram);
    const barWidth = (width - 4) / row.histogram.length;
    row.histogram.forEach((count, bin) => {
      if (!count) return;
      const barHeight = Math.max(1, (count / tallest) * (height - 4));
      plot.append(svg('rect', { class: 'bar', x: 2 + bin * barWidth, y: height - barHeight, width: Math.max(1, barWidth - 0.5), height: barHeight }));
    });
    const marks = row.marks;
    for (let i = 0; i < marks.ms.length; i++) {
      const x = 2 + scalePosition(show.scale, marks.ms[i]) * (width - 4);
      // Its tooltip and label are added when it is hovered or focused (describeMark): a folder
      // of thousands of requests draws half the elements.
      plot.append(
        svg('rect', {
          class: `mark${isSlowMark(row, marks.ms[i]) ? ' slow' : ''}${marks.failed[i] ? ' failed' : ''}`,
          x: x - 1.5,
          y: 1,
          width: 3,
          height: height - 2,
          tabindex: '-1',
          role: 'button',
          'data-request': String(marks.request[i]),
          'data-mark': String(i),
        }),
      );
    }
    const more = row.count - marks.ms.length;
    if (more <= 0) return plot;
    return element(
      'span',
      { class: 'strip-wrap' },
      plot,
      element(
        'span',
        { class: 'more muted', title: 'Marked: the slowest and a sample spread over time; the bars count every request' },
        `+${more.toLocaleString('en')} more`,
      ),
    );
  }

  /** Gives a row's mark its tooltip and label (duration, status, time), once. */
  private describeMark(mark: Element): void {
    if (mark.hasAttribute('aria-label')) return;
    const row = this.rows[Number((mark.closest('tr') as HTMLElement | null)?.dataset.row)];
    const index = Number(mark.getAttribute('data-mark'));
    if (!row || !(index < row.marks.ms.length)) return;
    const title = markTitle(row.marks, index);
    mark.setAttribute('aria-label', `${title}: open the profile`);
    mark.append(svg('title', {}, title));
  }

  /** The selected endpoint's durations over time, with its median line. */
  private drawTimeline(): void {
    const show = this.shown;
    const endpoint = this.rows.find((row) => row.id === this.selected);
    this.timeline.replaceChildren();
    if (!show || !endpoint) {
      this.timelineTitle.textContent = '';
      this.timelineNote.textContent = '';
      this.timeline.setAttribute('hidden', '');
      return;
    }
    this.timeline.removeAttribute('hidden');
    const marks = endpoint.marks;
    this.timelineTitle.textContent = `${visibleText(endpoint.key)}: durations over time`;
    const shownCount =
      marks.ms.length < endpoint.count
        ? `${marks.ms.length} of ${endpoint.count.toLocaleString('en')} requests (the slowest, and a sample spread over time)`
        : `${endpoint.count} request${endpoint.count === 1 ? '' : 's'}`;
    const span = endpoint.lastStart - endpoint.firstStart;
    const when =
      span > 0 ? `${spanText(span)}, from ${formatClock(endpoint.firstStart)} to ${formatClock(endpoint.lastStart)}` : `at ${formatClock(endpoint.firstStart)}`;
    this.timelineNote.textContent = `${shownCount} ${when}; duration on a log scale, the dashed line is the median (${formatMs(endpoint.medianMs)}).`;
    const width = Math.max(320, Math.floor(this.timeline.getBoundingClientRect().width) || 640);
    const box: ChartBox = { width, height: TIMELINE_HEIGHT, left: 64, right: 12, top: 10, bottom: 24 };
    this.timeline.setAttribute('viewBox', `0 0 ${width} ${TIMELINE_HEIGHT}`);
    this.timeline.setAttribute('height', String(TIMELINE_HEIGHT));
    const at = (start: number, ms: number) => timelinePoint(box, show.scale, endpoint.firstStart, endpoint.lastStart, start, ms);
    for (const tick of scaleTicks(show.scale)) {
      const { y } = at(endpoint.firstStart, tick);
      this.timeline.append(
        svg('line', { class: 'grid', x1: box.left, x2: width - box.right, y1: y, y2: y }),
        svg('text', { class: 'label', x: box.left - 6, y: y + 4, 'text-anchor': 'end' }, tickLabel(tick)),
      );
    }
    const baseline = TIMELINE_HEIGHT - box.bottom;
    this.timeline.append(
      svg('line', { class: 'axis-line', x1: box.left, x2: width - box.right, y1: baseline, y2: baseline }),
      svg('text', { class: 'label', x: box.left, y: TIMELINE_HEIGHT - 6, 'text-anchor': 'start' }, formatClock(endpoint.firstStart)),
      svg('text', { class: 'label', x: width - box.right, y: TIMELINE_HEIGHT - 6, 'text-anchor': 'end' }, formatClock(endpoint.lastStart)),
    );
    const median = at(endpoint.firstStart, endpoint.medianMs).y;
    this.timeline.append(
      svg('line', { class: 'median', x1: box.left, x2: width - box.right, y1: median, y2: median }),
      svg('text', { class: 'label median-label', x: width - box.right, y: median - 4, 'text-anchor': 'end' }, `median ${formatMs(endpoint.medianMs)}`),
    );
    for (let i = 0; i < marks.ms.length; i++) {
      const { x, y } = at(marks.start[i], marks.ms[i]);
      const title = markTitle(marks, i);
      this.timeline.append(
        svg(
          'circle',
          {
            class: `point${isSlowMark(endpoint, marks.ms[i]) ? ' slow' : ''}${marks.failed[i] ? ' failed' : ''}${i === this.timelineAt ? ' active' : ''}`,
            cx: x,
            cy: y,
            r: 4,
            role: 'button',
            'aria-label': `${title}: open the profile`,
            'data-request': String(marks.request[i]),
            'data-mark': String(i),
          },
          svg('title', {}, title),
        ),
      );
    }
  }

  private onTableKey(event: KeyboardEvent): void {
    if (this.tableFocus.on === 'marks') return this.onMarksKey(event, this.tableFocus);
    const target = listKeyTarget(event.key, this.activeRow, this.rows.length - 1, PAGE_ROWS);
    if (target !== undefined) {
      event.preventDefault();
      this.activate(target, true);
    } else if (event.key === 'ArrowRight' || event.key === 'Enter') {
      const row = this.rows[this.activeRow];
      if (!row || !row.marks.ms.length) return;
      event.preventDefault();
      const order = fastestFirst(row.marks);
      // Enter on a row goes to its slowest request, Right to its fastest.
      this.tableFocus = { on: 'marks', order, at: event.key === 'Enter' ? order.length - 1 : 0 };
      this.focusMark();
    }
  }

  private onMarksKey(event: KeyboardEvent, focus: Extract<TableFocus, { on: 'marks' }>): void {
    const last = focus.order.length - 1;
    const moves: Record<string, number> = { ArrowRight: focus.at + 1, ArrowLeft: focus.at - 1, Home: 0, End: last };
    if (event.key in moves) {
      event.preventDefault();
      if (event.key === 'ArrowLeft' && focus.at === 0) return this.leaveMarks();
      focus.at = Math.max(0, Math.min(last, moves[event.key]));
      this.focusMark();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      const mark = this.markElement(focus.order[focus.at]);
      if (mark) this.open(Number(mark.getAttribute('data-request')));
    } else if (event.key === 'Escape' || event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      this.leaveMarks();
      if (event.key !== 'Escape') this.onTableKey(event);
    }
  }

  private leaveMarks(): void {
    this.tableFocus = { on: 'rows' };
    this.markActive(true);
  }

  private markElement(mark: number): SVGElement | null {
    return this.body.children[this.activeRow]?.querySelector(`[data-mark="${mark}"]`) ?? null;
  }

  private focusMark(): void {
    if (this.tableFocus.on !== 'marks') return;
    const mark = this.markElement(this.tableFocus.order[this.tableFocus.at]);
    for (const old of this.body.querySelectorAll('.mark.active')) old.classList.remove('active');
    if (!mark) return;
    this.describeMark(mark);
    mark.classList.add('active');
    mark.focus();
    this.status.textContent = mark.getAttribute('aria-label') ?? '';
  }

  private onTimelineKey(event: KeyboardEvent): void {
    const endpoint = this.rows.find((row) => row.id === this.selected);
    if (!endpoint || !endpoint.marks.ms.length) return;
    const last = endpoint.marks.ms.length - 1;
    const moves: Record<string, number> = { ArrowRight: this.timelineAt + 1, ArrowLeft: this.timelineAt - 1, Home: 0, End: last };
    if (event.key in moves) {
      event.preventDefault();
      this.timelineAt = Math.max(0, Math.min(last, moves[event.key]));
      for (const old of this.timeline.querySelectorAll('.point.active')) old.classList.remove('active');
      const point = this.timeline.querySelector(`[data-mark="${this.timelineAt}"]`);
      point?.classList.add('active');
      this.status.textContent = markTitle(endpoint.marks, this.timelineAt);
    } else if ((event.key === 'Enter' || event.key === ' ') && this.timelineAt >= 0 && this.timelineAt <= last) {
      event.preventDefault();
      this.open(endpoint.marks.request[this.timelineAt]);
    }
  }

  /** Makes a row the active and selected one: its durations over time are drawn below. */
  private activate(index: number, focus: boolean): void {
    const row = this.rows[index];
    if (!row) return;
    this.activeRow = index;
    this.tableFocus = { on: 'rows' };
    if (this.selected !== row.id) {
      this.selected = row.id;
      this.timelineAt = -1;
      for (const tr of this.body.children) tr.setAttribute('aria-selected', String((tr as HTMLElement).dataset.row === String(index)));
      this.drawTimeline();
      this.saveState();
      this.noteRendered();
    }
    this.markActive(focus);
  }

  private markActive(focus: boolean): void {
    for (const old of this.body.querySelectorAll('.mark.active')) old.classList.remove('active');
    markActiveRow(this.body, this.activeRow, focus);
  }

  private saveState(): void {
    this.api.setState({ ...this.api.getState(), sort: this.sort, selected: this.selected ?? undefined });
  }

  private open(request: number): void {
    const show = this.shown;
    if (!show || !Number.isInteger(request)) return;
    this.channel.note('openRequest', { overviewId: show.overviewId, request });
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
