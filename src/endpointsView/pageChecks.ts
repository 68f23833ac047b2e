/**
 * What the host accepts from the Endpoints overview page (src/core/webviewChannel.ts runs these
 * before any handler sees a message). A page is not trusted: it names a request by the number
 * the host gave it in the overview it was sent, and nothing else; a file, or any field the
 * protocol does not declare, is refused, so the host never opens a path a page chose. Pure.
 */
import { bodyChecks, type ChannelChecks } from '../core/webviewChannel';
import { ENDPOINTS_SORT_KEYS, SORT_DIRECTIONS, type EndpointsProtocol } from './protocol';

/** The overview the page was sent: its id, and how many requests it numbered. */
export interface ShownOverview {
  id: string;
  requests: number;
}

type Problem = string | undefined;

export function endpointsPageChecks(shown: () => ShownOverview | undefined): ChannelChecks<EndpointsProtocol['page']> {
  const sameOverview = (value: unknown): Problem => {
    const overview = shown();
    if (!overview) return 'no overview is shown';
    return value === overview.id ? undefined : `overviewId ${JSON.stringify(value)} is not the shown overview's (${overview.id})`;
  };
  return {
    notes: {
      rendered: (body) =>
        bodyChecks.declaredFields(
          body,
          { overviewId: 'required', sort: 'required', direction: 'required', endpoints: 'required', selected: 'required', timelineMarks: 'required' },
          (fields) =>
            sameOverview(fields.overviewId) ??
            oneOf(fields.sort, ENDPOINTS_SORT_KEYS, 'sort') ??
            oneOf(fields.direction, SORT_DIRECTIONS, 'direction') ??
            renderedRows(fields.endpoints) ??
            (fields.selected === null || typeof fields.selected === 'string' ? undefined : 'selected must be an endpoint id or null') ??
            (isCount(fields.timelineMarks) ? undefined : 'timelineMarks must be a count'),
        ),
      openRequest: (body) =>
        bodyChecks.declaredFields(body, { overviewId: 'required', request: 'required' }, (fields) => {
          const problem = sameOverview(fields.overviewId);
          if (problem) return problem;
          const count = shown()!.requests;
          const request = fields.request;
          return Number.isInteger(request) && (request as number) >= 0 && (request as number) < count
            ? undefined
            : `request must be a request number of the overview, from 0 to ${count - 1}, not ${JSON.stringify(request)}`;
        }),
      error: (body) =>
        bodyChecks.declaredFields(body, { message: 'required', detail: 'optional' }, (fields) => {
          if (typeof fields.message !== 'string' || !fields.message) return 'message must be the reason, as text';
          return fields.detail === undefined || typeof fields.detail === 'string' ? undefined : 'detail must be text';
        }),
    },
    asks: {},
  };
}

function renderedRows(rows: unknown): Problem {
  if (!Array.isArray(rows)) return 'endpoints must be a list';
  for (const row of rows) {
    const problem = bodyChecks.declaredFields(row, { key: 'required', count: 'required', marks: 'required' }, (fields) =>
      typeof fields.key === 'string' && isCount(fields.count) && isCount(fields.marks) ? undefined : 'each endpoint is a key with counts of requests and marks',
    );
    if (problem) return `endpoints: ${problem}`;
  }
  return undefined;
}

function oneOf(value: unknown, allowed: readonly string[], field: string): Problem {
  return allowed.includes(value as string) ? undefined : `${field} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`;
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
