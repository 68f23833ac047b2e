/**
 * The profile's header: what the request was and how long it took, with the notes that keep
 * the numbers honest (a profiler slows Python down; in ASGI apps awaits are not profiled).
 */
import { aggregateDescription, requestCount } from '../../src/core/aggregateMean';
import { formatBytes, formatClock, formatMs } from '../../src/core/format';
import type { ProfileDocument } from '../../src/core/profileFormat';
import { visibleText } from '../../src/core/displayText';
import { answeredStatus } from '../../src/core/profileFilter';
import { slowerThanUsualText, type SlowerThanUsual } from '../../src/core/slowerThanUsual';
import { codicon, element, iconButton } from './dom';

const PROFILING_NOTE =
  'Profiled time is not production time: cProfile adds overhead to every Python call, so call-heavy code looks slower than it runs unprofiled. Compare shares, not absolute times.';

const ASGI_NOTE = 'ASGI: time spent awaiting (database, network, sleeps) is not in the profile, so profiled time can be much less than the wall time.';

const PSTATS_NOTE = "A pstats file: it records only cProfile's numbers, so the request's details marked ? are unknown.";

function field(label: string, value: string, title?: string): HTMLElement {
  const attributes: Record<string, string> = { class: 'field' };
  if (title) attributes.title = title;
  return element('span', attributes, element('span', { class: 'label' }, label), element('span', { class: 'value' }, value));
}

/** What the header offers beyond the document: set when the host knows the request's endpoint. */
export interface HeaderActions {
  /** The request is slower than usual for its endpoint (src/core/slowerThanUsual.ts). */
  slower?: SlowerThanUsual;
  /** Compares the request with its endpoint's aggregate (the host's requestProfiler.compareWithAggregate). */
  compareWithAggregate?(): void;
}

/** The date in the user's locale, once the first frame is drawn (see renderHeader). */
function timeField(start: number, fileName: string, label = 'Time'): HTMLElement {
  const time = field(label, formatClock(start), fileName);
  // The date in the user's locale, once the first frame is drawn: the page's first
  // toLocaleDateString loads the locale's data, 100+ ms of the first paint for one word.
  const timeValue = time.querySelector('.value')!;
  requestAnimationFrame(() => setTimeout(() => (timeValue.textContent = `${new Date(start * 1000).toLocaleDateString()} ${formatClock(start)}`)));
  return time;
}

function actionButton(label: string, title: string, action: () => void): HTMLElement {
  const button = iconButton('diff', { secondary: '', title, class: 'header-action' }, label);
  button.addEventListener('click', action);
  return button;
}

export function renderHeader(document: ProfileDocument, fileName: string, actions: HeaderActions = {}): HTMLElement {
  if (document.aggregate) return renderAggregateHeader(document, fileName);
  const h = document.header;
  // pstats files (src/core/pstats) say which header fields they could not know.
  const source = (document as { source?: { kind?: string; unknownFields?: string[] } }).source;
  const unknown = new Set(source?.unknownFields ?? []);
  const known = (key: string, value: string) => (unknown.has(key) ? '?' : value);
  // A request whose app raised is a 500 here as in the panel: the server answered 500.
  const answered = answeredStatus(h);
  const raised = h.status === null && h.error ? ` (${h.error})` : '';
  const hungUp = h.clientDisconnected ? ', client hung up' : '';
  const status = unknown.has('status') ? '?' : answered === null ? '—' : `${answered}${raised}${hungUp}`;
  const statusClass = answered === null || answered >= 500 ? 'status error' : answered >= 400 || h.clientDisconnected ? 'status warning' : 'status';
  const time = timeField(h.start, fileName);
  const title = element(
    'h1',
    { class: 'request-title' },
    element('span', { class: 'method' }, visibleText(h.method)),
    ' ',
    element('span', { class: 'path' }, visibleText(h.query ? `${h.path}?${h.query}` : h.path)),
    ' ',
    element('span', { class: statusClass }, visibleText(status)),
  );
  const fields = element(
    'div',
    { class: 'fields' },
    field('Duration', formatMs(h.wallMs), 'Wall-clock time of the whole request, including sending the body'),
    field('CPU', known('cpuMs', formatMs(h.cpuMs)), 'CPU time of the thread over the request'),
    field('Profiled', formatMs(h.profiledMs), 'Time cProfile attributed to the profiled code'),
    field('Content-Type', known('contentType', visibleText(h.contentType ?? '—'))),
    field('Content-Length', known('contentLength', h.contentLength === null ? `— (${formatBytes(h.bytesSent)} sent)` : formatBytes(h.contentLength))),
    time,
    field('Functions', String(document.profile.functions.length)),
  );
  const notes = element('div', { class: 'notes' });
  if (!h.profiled) notes.append(element('p', { class: 'warning-text' }, `This request was not profiled${h.skipReason ? `: ${h.skipReason}` : ''}.`));
  notes.append(element('p', { class: 'muted' }, PROFILING_NOTE));
  if (source?.kind === 'pstats') notes.append(element('p', { class: 'muted' }, PSTATS_NOTE));
  if (h.interface === 'asgi') notes.append(element('p', { class: 'muted' }, ASGI_NOTE));
  for (const note of document.profile.notes ?? []) notes.append(element('p', { class: 'muted' }, note));
  const header = element('header', { class: 'profile-header' }, title, fields, renderEndpointActions(actions));
  header.append(notes);
  return header;
}

/**
 * The request among its endpoint's: a "slower than usual" hint with its compare button, or just
 * the button. Its own element (class endpoint-actions, empty when the host knows no endpoint),
 * so that the host's later word, as profiles arrive, replaces it in place (replaceEndpointActions).
 */
export function renderEndpointActions(actions: HeaderActions): HTMLElement {
  const part = element('div', { class: 'endpoint-actions' });
  const compare = actions.compareWithAggregate;
  if (actions.slower) {
    const text = `Slower than usual: ${slowerThanUsualText(actions.slower)}.`;
    const hint = element('p', { class: 'slower-hint warning-text', role: 'status' }, element('span', {}, visibleText(text)));
    if (compare) hint.append(' ', actionButton('Compare with the usual', "Compare this request with the mean of its endpoint's other requests", compare));
    part.append(hint);
  } else if (compare) {
    part.append(
      element(
        'p',
        { class: 'header-actions' },
        actionButton('Compare with Endpoint Aggregate', "Compare this request with the mean of its endpoint's other requests", compare),
      ),
    );
  }
  return part;
}

/** Puts the endpoint's actions of now in place of those a header shows (an aggregate's header has none). */
export function replaceEndpointActions(header: HTMLElement, actions: HeaderActions): void {
  header.querySelector(':scope > .endpoint-actions')?.replaceWith(renderEndpointActions(actions));
}

/**
 * An aggregate's header: what was merged, the total and the per-request mean, and what was left
 * out; no status, content type or length pretending to be one request's.
 */
function renderAggregateHeader(document: ProfileDocument, fileName: string): HTMLElement {
  const h = document.header;
  const aggregate = document.aggregate!;
  const n = aggregate.requests;
  const mean = aggregate.mean === true;
  const title = element(
    'h1',
    { class: 'request-title aggregate-title' },
    // The icon of Open Aggregate Profile; the words say it for screen readers.
    codicon('layers'),
    ' ',
    element('span', { class: 'path' }, visibleText(aggregateDescription(document)!)),
  );
  // A mean's header holds the per-request numbers already; an aggregate's, the sums.
  const perRequest = (ms: number) => (mean ? ms : ms / n);
  const fields = element('div', { class: 'fields' });
  if (!mean) fields.append(field('Total', formatMs(h.wallMs), `Wall-clock time of the ${requestCount(n)}, added up`));
  fields.append(
    field('Mean per request', formatMs(perRequest(h.wallMs)), 'The total wall-clock time divided by the number of requests'),
    field('CPU per request', formatMs(perRequest(h.cpuMs)), 'CPU time of the requests, divided by their number'),
    field('Requests', String(n), `The profiled requests merged (${aggregate.ids.length} ids in the Request tab)`),
  );
  if (aggregate.skipped > 0) {
    fields.append(field('Skipped', `${aggregate.skipped} unprofiled`, 'Requests served without profiling: nothing to merge, left out'));
  }
  fields.append(timeField(h.start, fileName, 'From'), field('Functions', String(document.profile.functions.length)));
  const notes = element('div', { class: 'notes' });
  // mergedHeader's error: "2 of 37 raised".
  if (h.error) notes.append(element('p', { class: 'warning-text' }, visibleText(`Errors: ${h.error}.`)));
  notes.append(element('p', { class: 'muted' }, PROFILING_NOTE));
  if (h.interface === 'asgi') notes.append(element('p', { class: 'muted' }, ASGI_NOTE));
  for (const note of document.profile.notes ?? []) notes.append(element('p', { class: 'muted' }, note));
  return element('header', { class: 'profile-header aggregate' }, title, fields, notes);
}
