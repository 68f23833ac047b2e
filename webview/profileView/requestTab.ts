/**
 * The Request tab: the request, the response, the environ or scope and any exception, as tables.
 * An aggregate has no one request, response or environ: its tab says what was merged instead.
 */
import { aggregateEndpoint } from '../../src/core/aggregateMean';
import { formatMs } from '../../src/core/format';
import type { ProfileDocument } from '../../src/core/profileFormat';
import { visibleLines } from '../../src/core/displayText';
import { element, pairsTable } from './dom';

function serverTable(document: ProfileDocument, processRow: [string, string]): HTMLElement {
  const { python } = document;
  return pairsTable(
    'Server',
    [
      ['Python', python ? `${python.implementation} ${python.version}` : '—'],
      ['Executable', python?.executable ?? '—'],
      ['Working directory', document.paths?.cwd ?? '—'],
      processRow,
    ],
    '',
  );
}

function renderAggregateTab(document: ProfileDocument): HTMLElement {
  const aggregate = document.aggregate!;
  const h = document.header;
  const n = aggregate.requests;
  const perRequest = (ms: number) => formatMs(aggregate.mean ? ms : ms / n);
  const body = element('div', { class: 'tab-body request-tab', tabindex: '0', 'aria-label': 'Aggregate details' });
  body.append(
    pairsTable(
      aggregate.mean ? 'Mean of requests' : 'Aggregate',
      [
        ['Endpoint', aggregateEndpoint(h)],
        ['Requests merged', String(n)],
        ['Unprofiled, left out', String(aggregate.skipped)],
        ['Numbers', aggregate.mean ? `per request: each sum divided by ${n}` : `sums over the ${n} requests`],
        ['Mean wall time per request', perRequest(h.wallMs)],
        ['Mean CPU time per request', perRequest(h.cpuMs)],
        ['Errors', h.error ?? 'none'],
      ],
      '',
    ),
    pairsTable(
      'Merged requests (header ids)',
      aggregate.ids.map((id, i) => [String(i + 1), id] as [string, string]),
      'No ids were recorded.',
    ),
    serverTable(document, ['Process', h.pid ? String(h.pid) : 'several']),
  );
  return body;
}

export function renderRequestTab(document: ProfileDocument): HTMLElement {
  if (document.aggregate) return renderAggregateTab(document);
  const { request, response, error } = document;
  const body = element('div', { class: 'tab-body request-tab', tabindex: '0', 'aria-label': 'Request details' });
  if (error) {
    const section = element('section', { class: 'pairs exception' }, element('h3', {}, 'Exception'));
    section.append(element('p', { class: 'error-text' }, visibleLines(`${error.type}: ${error.message}`)));
    if (error.traceback) section.append(element('pre', { class: 'traceback' }, visibleLines(error.traceback)));
    body.append(section);
  }
  body.append(
    pairsTable(
      'Request',
      [
        ['Method', request?.method ?? document.header.method],
        ['Path', request?.path ?? document.header.path],
        ['Query', request?.query ?? document.header.query],
        ['Scheme', request?.scheme ?? ''],
        ['Host', request?.host ?? ''],
        ['Remote address', request?.remoteAddr ?? '—'],
      ],
      '',
    ),
    pairsTable('Request headers', request?.headers ?? [], 'No request headers were recorded.'),
    pairsTable(
      'Response',
      [
        [
          'Status',
          response?.statusLine ??
            (response?.status === null || response?.status === undefined ? 'none (the app raised before responding)' : String(response.status)),
        ],
        ['Bytes sent', String(response?.bytesSent ?? document.header.bytesSent)],
        ...(response?.disconnect ? [['Client hung up', response.disconnect] as [string, string]] : []),
      ],
      '',
    ),
    pairsTable('Response headers', response?.headers ?? [], 'No response headers were recorded.'),
    pairsTable(document.header.interface === 'asgi' ? 'ASGI scope' : 'WSGI environ', Object.entries(document.environ ?? {}), 'Nothing was recorded.'),
    serverTable(document, ['Process / thread', `${document.header.pid} / ${document.header.threadName}`]),
  );
  return body;
}
