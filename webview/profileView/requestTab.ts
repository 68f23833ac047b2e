/** The Request tab: the request, the response, the environ or scope and any exception, as tables. */
import type { ProfileDocument } from '../../src/core/profileFormat';
import { visibleLines } from '../../src/core/displayText';
import { element, pairsTable } from './dom';

export function renderRequestTab(document: ProfileDocument): HTMLElement {
  const { request, response, error, python } = document;
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
    pairsTable(
      'Server',
      [
        ['Python', python ? `${python.implementation} ${python.version}` : '—'],
        ['Executable', python?.executable ?? '—'],
        ['Working directory', document.paths?.cwd ?? '—'],
        ['Process / thread', `${document.header.pid} / ${document.header.threadName}`],
      ],
      '',
    ),
  );
  return body;
}
