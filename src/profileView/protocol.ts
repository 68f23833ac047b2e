/**
 * The profile view's protocol: what the extension host (src/profileView/profileView.ts) and the
 * page (webview/profileView/) say to each other over the views' channel
 * (src/core/webviewChannel.ts), declared once for both sides; nothing here imports vscode or the
 * DOM.
 *
 * Sequence: the channel's page end says it is ready each time the page's script starts (the
 * first load, and every reload of a hidden tab's page); the host reads the profile file and
 * notes `show` with the file's bytes, which the page parses itself (bytes cross to the page as
 * one copy, where a parsed document would be serialised and parsed again), or with a document
 * the host built (a pstats file); `failed` when the file cannot be read. The `def` lines of
 * decorated functions come with `show` when the host found them in time, else in a
 * `definitionLines` note once it has.
 * The page builds the model and the call tree itself (src/core has no vscode imports), so
 * expanding, searching and sorting never wait for the host. After it draws the profile, and
 * whenever the tab, the selection or the expansion changes, the page notes `viewState`, which
 * the host keeps for its integration tests and for the source hints. Go-to-source notes
 * `openFunction` with the function's index alone: the host looks the function up in its own
 * copy of the profile, maps its path and opens the editor (src/host/openSource.ts).
 *
 * What a page sends is checked on the host (PAGE_CHECKS) before a handler sees it: a page
 * names functions by the indices of the profile the host sent, never by a path.
 * Profile data travels only in messages: the page's HTML carries no data, and the page
 * renders every name as text.
 */
import type { DefinitionLines } from '../core/definitionLine';
import type { ProfileDocument } from '../core/profileFormat';
import type { SlowerThanUsual } from '../core/slowerThanUsual';
import { bodyChecks, type ChannelChecks, type PageNoteOf } from '../core/webviewChannel';

export type ViewTab = 'tree' | 'flame' | 'functions' | 'callers' | 'sandwich' | 'request';
export const VIEW_TABS: readonly ViewTab[] = ['tree', 'flame', 'functions', 'callers', 'sandwich', 'request'];

/** The middleware's JSON file as it is on disk (UTF-8), or a document built by the host. */
export type ProfilePayload = { bytes: Uint8Array } | { document: ProfileDocument };

/** What the page starts with, from the user's settings; its own saved state wins over these. */
export interface ViewDefaults {
  hideLibraryFrames: boolean;
}

export type ViewCommand = 'expandHotPathFromSelection' | 'focusTree';

/**
 * The request among its endpoint's, sent with `show` when the profile is a request listed in the
 * Profiles panel: the header then offers to compare it with the endpoint's aggregate.
 */
export interface EndpointContext {
  /** Set when the request is slower than usual for its endpoint (src/core/slowerThanUsual.ts). */
  slower?: SlowerThanUsual;
}

/** What the page shows, reported after each change (tests read it; the source hints use the profile id). */
export interface ViewState {
  profileId: string;
  tab: ViewTab;
  /** Ids of the expanded call-tree nodes ("3/17/42": function indices from the root; deeper than 64 levels "~5120/42", see src/core/treePaths.ts). */
  expanded: string[];
  /** The hot path's node ids from the costliest root, as highlighted. */
  hotPath: string[];
  selectedId: string | null;
  /** The selected node's function (the Callers tab's function), or null. */
  selectedFunction: number | null;
  search: string;
  searchMatches: number;
  hideLibraryFrames: boolean;
  /** Grouping threshold, as a fraction of the request. */
  threshold: number;
  /** Rows in the tree's list, and how many of them are in the DOM (virtualised: only visible ones). */
  rowCount: number;
  renderedRows: number;
  /** From receiving `show` (parsing included) to the first drawn tree, milliseconds (performance.now()). */
  firstPaintMs: number;
  /** The selected call-tree row's location as drawn ("app:42", "built-in"), read from the row itself; null when none is drawn. */
  selectedLocation: string | null;
}

export interface ProfileViewProtocol {
  /** Host → page. */
  host: {
    notes: {
      show: {
        fileName: string;
        profile: ProfilePayload;
        defaults: ViewDefaults;
        /** The page's state as it last saved it with `saveState`, for when getState() has none (after a reload). */
        savedState?: unknown;
        /** The `def` lines of decorated functions, as go-to-source opens them: shown instead of the recorded ones. */
        definitionLines?: DefinitionLines;
        /** The request among its endpoint's; absent for an aggregate, or a file the Profiles panel does not list. */
        endpoint?: EndpointContext;
      };
      /**
       * `def` lines found after `show` was sent (reading sources can take seconds in a big workspace
       * or on a remote host): the page shows them in place, keeping expansion, selection and scroll.
       */
      definitionLines: { lines: DefinitionLines };
      /**
       * The request's endpoint context changed after `show` (profiles arrived or went): the header's
       * slower-than-usual hint follows; absent endpoint: no endpoint actions.
       */
      endpoint: { endpoint?: EndpointContext };
      /** The file is not a usable profile: the page shows why, with a button to open the raw file. */
      failed: { fileName: string; message: string };
      /** Reveal and select a function's node in the call tree (its costliest path), e.g. from the call graph. */
      revealFunction: { function: number };
      /** Test and command hooks: act as the keyboard would on the focused call tree. */
      command: { command: ViewCommand };
    };
    asks: Record<never, never>;
  };
  /** Page → host. */
  page: {
    notes: {
      viewState: { state: ViewState };
      /** The page's own state (opaque to the host), kept in workspace storage as well as by setState(). */
      saveState: { state: unknown };
      /** Go to source (Enter, double-click or the row's button): the function's index in the profile, nothing else. */
      openFunction: { function: number };
      /** From the error view: show the file in a text editor. */
      openRaw: Record<string, never>;
      /** The header's "Compare with Endpoint Aggregate" / "Compare with the usual": runs requestProfiler.compareWithAggregate on this file. */
      compareWithAggregate: Record<never, never>;
      /**
       * The page failed (a profile it cannot read, an exception or rejection it did not catch): it
       * shows the message, and the host shows and logs it; detail (a stack) is for the log.
       */
      error: { message: string; detail?: string };
    };
    asks: Record<never, never>;
  };
}

/** A note of the page with its type, as the host's test hook takes it (and tests send it). */
export type ProfileViewPageNote = PageNoteOf<ProfileViewProtocol>;

/** The longest error message or detail the host takes from a page (a stack is a few KB). */
const MAX_ERROR_TEXT = 20_000;

const STRING_FIELDS = ['profileId', 'search'] as const;
const NUMBER_FIELDS = ['searchMatches', 'threshold', 'rowCount', 'renderedRows', 'firstPaintMs'] as const;
const STRING_LIST_FIELDS = ['expanded', 'hotPath'] as const;

/** What is wrong with a reported view state, or undefined: the host keeps it and tests read it. */
export function viewStateProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'state must be an object';
  const state = value as Record<string, unknown>;
  for (const field of STRING_FIELDS) if (typeof state[field] !== 'string') return `state.${field} must be a string`;
  for (const field of NUMBER_FIELDS) if (typeof state[field] !== 'number') return `state.${field} must be a number`;
  for (const field of STRING_LIST_FIELDS) {
    const list = state[field];
    if (!Array.isArray(list) || !list.every((id) => typeof id === 'string')) return `state.${field} must be a list of node ids`;
  }
  if (!VIEW_TABS.includes(state.tab as ViewTab)) return `state.tab must be one of ${VIEW_TABS.join(', ')}`;
  if (typeof state.hideLibraryFrames !== 'boolean') return 'state.hideLibraryFrames must be true or false';
  if (state.selectedId !== null && typeof state.selectedId !== 'string') return 'state.selectedId must be a node id or null';
  if (state.selectedLocation !== null && typeof state.selectedLocation !== 'string') return 'state.selectedLocation must be a string or null';
  if (state.selectedFunction !== null && !(Number.isInteger(state.selectedFunction) && (state.selectedFunction as number) >= 0)) {
    return 'state.selectedFunction must be a function index or null';
  }
  return undefined;
}

function functionIndexProblem(value: unknown): string | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : `function must be a function's index, not ${JSON.stringify(value)}`;
}

function textProblem(body: unknown, field: string, optional = false): string | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  if (optional && value === undefined) return undefined;
  if (typeof value !== 'string') return `${field} must be a string`;
  return value.length > MAX_ERROR_TEXT ? `${field} is longer than ${MAX_ERROR_TEXT} characters` : undefined;
}

/**
 * The host's checks of everything a page sends. A function is named by its index alone: a note
 * carrying anything else (a file, a line) is refused, so that no path from a page ever reaches
 * the code that opens files. Whether the index names one of the profile's functions is checked
 * against the host's own copy of the profile when the note is handled.
 */
export const PAGE_CHECKS = {
  notes: {
    viewState: (body) => bodyChecks.onlyFields(body, ['state']) ?? viewStateProblem((body as { state: unknown }).state),
    saveState: (body) => bodyChecks.onlyFields(body, ['state']),
    openFunction: (body) => bodyChecks.onlyFields(body, ['function']) ?? functionIndexProblem((body as { function: unknown }).function),
    openRaw: (body) => bodyChecks.onlyFields(body, []),
    compareWithAggregate: (body) => bodyChecks.onlyFields(body, []),
    error: (body) => bodyChecks.onlyFields(body, ['message', 'detail']) ?? textProblem(body, 'message') ?? textProblem(body, 'detail', true),
  },
  asks: {},
} satisfies ChannelChecks<ProfileViewProtocol['page']>;
