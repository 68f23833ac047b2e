/**
 * The Endpoints overview's protocol (src/core/webviewChannel.ts): what the extension host
 * (endpointsPanel.ts) and the overview page (webview/endpointsView/page.ts) send each other,
 * declared once and imported by both; nothing here imports vscode or the DOM.
 *
 * Sequence: the page's channel says `ready` once its script runs (again whenever it is
 * reloaded); the host answers with `show`: the overview computed in the host
 * (src/core/endpointOverview.ts), and again, throttled, whenever profiles arrive or go. The page
 * sorts the table itself, draws the selected endpoint's durations over time, and notes
 * `rendered` after each drawing. A click on a mark (or Enter on it) notes `openRequest`, naming
 * the request by the number the host gave it in that overview, never by a file: the host looks
 * the file up in its own copy (endpointsPageChecks refuses anything else).
 */
import type { EndpointsOverview, OverviewEndpoint, RequestMarks } from '../core/endpointOverview';
import type { LogScale } from '../core/durationScale';
import type { EndpointsSortKey, SortDirection } from '../core/endpointCharts';
import type { PageNoteOf } from '../core/webviewChannel';

export type { LogScale, OverviewEndpoint, RequestMarks };

export interface EndpointsShow {
  /** This overview's id: a request number means something only with it. */
  overviewId: string;
  endpoints: OverviewEndpoint[];
  scale: LogScale;
  requests: EndpointsOverview['requests'];
  /** The endpoint to select (the Profiles panel's row the overview was opened from), by its id. */
  select: string | null;
  /** Where profiles are looked for, for the empty state. */
  folders: string[];
}

/** How the page sorts the table (a column), and which way. */
export type { EndpointsSortKey, SortDirection };

/** What the page saves with setState: its sort and selected endpoint. */
export interface EndpointsPageState {
  sort?: { key: EndpointsSortKey; direction: SortDirection };
  selected?: string;
}

/** One drawn row of the table, as the page shows it. */
export interface RenderedEndpoint {
  key: string;
  count: number;
  /** Marks drawn in the row's strip. */
  marks: number;
}

/** What the page drew, after each drawing (tests read it). */
export interface EndpointsRendered {
  overviewId: string;
  sort: EndpointsSortKey;
  direction: SortDirection;
  /** The rows in the order drawn. */
  endpoints: RenderedEndpoint[];
  /** The selected endpoint's id, and the marks of its time chart. */
  selected: string | null;
  timelineMarks: number;
}

/** A request by the number the host gave it in an overview. */
export interface EndpointsRequestRef {
  overviewId: string;
  request: number;
}

export interface EndpointsPageFailure {
  message: string;
  detail?: string;
}

export const ENDPOINTS_SORT_KEYS: readonly EndpointsSortKey[] = ['endpoint', 'count', 'median', 'p95', 'max', 'errors'];
export const SORT_DIRECTIONS: readonly SortDirection[] = ['ascending', 'descending'];

export interface EndpointsProtocol {
  host: {
    notes: {
      show: EndpointsShow;
    };
    asks: Record<never, never>;
  };
  page: {
    notes: {
      rendered: EndpointsRendered;
      /** A mark was clicked (or Enter on it): open that request's profile. */
      openRequest: EndpointsRequestRef;
      error: EndpointsPageFailure;
    };
    asks: Record<never, never>;
  };
}

/** A note of the page with its type, as the host's test hooks see it (and tests send it). */
export type EndpointsPageNote = PageNoteOf<EndpointsProtocol>;
