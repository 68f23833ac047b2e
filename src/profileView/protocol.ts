/**
 * The messages between the extension host (src/profileView/profileEditorProvider.ts) and the
 * profile view's webview (webview/profileView/). One discriminated union per direction, shared
 * by both sides; nothing here imports vscode or the DOM.
 *
 * Sequence: the page posts `ready` once its script runs; the host reads the profile file and
 * posts `show` with the file's bytes, which the page parses itself (bytes cross to the page as
 * one copy, where a parsed document would be serialised and parsed again), or with a document
 * the host built (a pstats file); `failed` when the file cannot be read. The `def` lines of
 * decorated functions come with `show` when the host found them in time, else in a
 * `definitionLines` message once it has.
 * The page builds the model and the call tree itself (src/core has no vscode imports), so
 * expanding, searching and sorting never wait for the host. After it draws the profile, and
 * whenever the tab, the selection or the expansion changes, the page posts `viewState`, which
 * the host keeps for its integration tests and for the source hints. Go-to-source posts
 * `openFunction`; the host maps the path and opens the editor (src/host/openSource.ts).
 *
 * Profile data travels only in messages: the page's HTML carries no data, and the page
 * renders every name as text.
 */
import type { DefinitionLines } from '../core/definitionLine';
import type { ProfileDocument } from '../core/profileFormat';

export type ViewTab = 'tree' | 'functions' | 'callers' | 'request';
export const VIEW_TABS: readonly ViewTab[] = ['tree', 'functions', 'callers', 'request'];

/** The middleware's JSON file as it is on disk (UTF-8), or a document built by the host. */
export type ProfilePayload = { bytes: Uint8Array } | { document: ProfileDocument };

/** What the page starts with, from the user's settings; its own saved state wins over these. */
export interface ViewDefaults {
  hideLibraryFrames: boolean;
}

/** Host → webview. */
export type HostToProfileViewMessage =
  | {
      type: 'show';
      fileName: string;
      profile: ProfilePayload;
      defaults: ViewDefaults;
      /** The page's state as it last saved it with `saveState`, for when getState() has none (after a reload). */
      savedState?: unknown;
      /** The `def` lines of decorated functions, as go-to-source opens them: shown instead of the recorded ones. */
      definitionLines?: DefinitionLines;
    }
  /**
   * `def` lines found after `show` was sent (reading sources can take seconds in a big workspace
   * or on a remote host): the page shows them in place, keeping expansion, selection and scroll.
   */
  | { type: 'definitionLines'; lines: DefinitionLines }
  /** The file is not a usable profile: the page shows why, with a button to open the raw file. */
  | { type: 'failed'; fileName: string; message: string }
  /** Reveal and select a function's node in the call tree (its costliest path), e.g. from the call graph. */
  | { type: 'revealFunction'; function: number }
  /** Test and command hooks: act as the keyboard would on the focused call tree. */
  | { type: 'command'; command: ViewCommand };

export type ViewCommand = 'expandHotPathFromSelection' | 'focusTree';

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

/** Webview → host. */
export type ProfileViewToHostMessage =
  | { type: 'ready' }
  | { type: 'viewState'; state: ViewState }
  /** The page's own state (opaque to the host), kept in workspace storage as well as by setState(). */
  | { type: 'saveState'; state: unknown }
  /** Go to source (Enter, double-click or the row's button). */
  | { type: 'openFunction'; function: number; file: string; line: number; name: string }
  /** From the error view: show the file in a text editor. */
  | { type: 'openRaw' }
  /**
   * The page failed (a profile it cannot read, an exception or rejection it did not catch): it
   * shows the message, and the host shows and logs it; detail (a stack) is for the log.
   */
  | { type: 'error'; message: string; detail?: string };

const HOST_TYPES = new Set<string>(['show', 'definitionLines', 'failed', 'revealFunction', 'command']);
const PAGE_TYPES = new Set<string>(['ready', 'viewState', 'saveState', 'openFunction', 'openRaw', 'error']);

function hasType(value: unknown, types: Set<string>): boolean {
  return typeof value === 'object' && value !== null && types.has((value as { type?: unknown }).type as string);
}

export function isHostToProfileViewMessage(value: unknown): value is HostToProfileViewMessage {
  return hasType(value, HOST_TYPES);
}

export function isProfileViewToHostMessage(value: unknown): value is ProfileViewToHostMessage {
  if (!hasType(value, PAGE_TYPES)) return false;
  const message = value as { type: string; function?: unknown; file?: unknown; line?: unknown; name?: unknown; message?: unknown };
  if (message.type === 'error') return typeof message.message === 'string';
  if (message.type === 'openFunction') {
    // The host acts on these fields (opens files): check their types, not only the tag.
    return typeof message.function === 'number' && typeof message.file === 'string' && typeof message.line === 'number' && typeof message.name === 'string';
  }
  return true;
}
