/**
 * The call graph's protocol (src/core/webviewChannel.ts): what the extension host
 * (callGraphPanel.ts) and the call graph page (webview/callGraph/page.ts) send each other,
 * declared once and imported by both; nothing here imports vscode or the DOM.
 *
 * Sequence: the page's channel says `ready` once its script runs (again whenever it is
 * reloaded); the host's channel holds what the host sends until then, and the host answers each
 * ready with `show` (the profile's data or its file's bytes), so a reloaded page shows its profile
 * again. The page builds the model, the graph and the DOT itself (threshold changes need no round
 * trip) and after each layout notes `rendered`. Clicking (or pressing Enter on) a node notes
 * `openFunction`, and the host opens its source; T on a node (or its context menu) notes
 * `showInCallTree`. Both name the function by its index in the profile the host sent, never by a
 * file or line: the host looks the function up in its own copy (callGraphPageChecks refuses
 * anything else). Export is the host's ask `exportGraph`, answered with the DOT or SVG text and
 * matched by the ask's id; the page's Save buttons note `saveGraph`, and the host asks in turn.
 *
 * The page's HTML is the host's (callGraphHtml.ts): a `<script type="module" nonce=...>`
 * loading dist/webview/callGraph.js, under the CSP
 *   default-src 'none'; script-src 'nonce-N' 'wasm-unsafe-eval' ${cspSource};
 *   style-src ${cspSource} 'nonce-N'; img-src ${cspSource} data:; font-src ${cspSource} data:;
 *   connect-src ${cspSource}; worker-src blob:
 * (no 'unsafe-inline': the page's CSS is a constructed style sheet; test/ui/callGraph.ui.mjs
 * checks that nothing is refused)
 * (Graphviz is WebAssembly: 'wasm-unsafe-eval'. It is not in the page's script but in
 * dist/webview/callGraph.worker.js, named by the script tag's data-layout-script: layout runs
 * in a worker started from a blob of that script, fetched through connect-src; without those
 * two the page imports it as a module, lays out on its own thread and says so in
 * `rendered.layoutIn`.)
 */
import type { CallGraphOptions } from '../core/callGraph';
import type { DefinitionLines } from '../core/definitionLine';
import type { ProfileData, ProfilePaths } from '../core/profileFormat';
import { parseProfileDocument } from '../core/profileHeader';
import type { PageNoteOf } from '../core/webviewChannel';

export type ExportFormat = 'dot' | 'svg';

export interface CallGraphProfile {
  /** The profile's id (its header's id): every message about it carries it back. */
  id: string;
  /** Shown above the graph and in exported files, e.g. "GET /users/7  123 ms". */
  title: string;
  data: ProfileData;
  /** The interpreter's paths, to name modules and classify functions as the other views do. */
  paths?: ProfilePaths;
  /**
   * The profile file's URI (as a string). The page keeps it in its saved state, which is all
   * VS Code hands the host when it restores the panel after a reload.
   */
  source?: string;
}

/**
 * A profile sent as its file's bytes (the middleware's JSON document, UTF-8) instead of as
 * parsed data. VS Code carries bytes to the page as they are, where an object is serialised
 * by the host and copied twice on the way in: for a large profile that was most of the time
 * between the command and the drawn graph (docs/measurements.md). The page parses them once (callGraphProfileOf).
 */
export interface CallGraphProfileBytes extends Omit<CallGraphProfile, 'data'> {
  document: Uint8Array;
}

/** The profile of a `show` message, parsed if it came as bytes. */
export function callGraphProfileOf(profile: CallGraphProfile | CallGraphProfileBytes): CallGraphProfile {
  if (!('document' in profile)) return profile;
  const { document, ...rest } = profile;
  // Checked as every loaded document is (src/core/validateProfile.ts): the page builds its model
  // from these bytes, and a bad index must be a message here, not a crash in the layout.
  return { ...rest, data: parseProfileDocument(new TextDecoder('utf-8').decode(document)).profile };
}

/** What the page saves with setState: its thresholds and which profile it shows. */
export interface CallGraphPageState {
  options?: CallGraphOptions;
  source?: string;
}

/**
 * Milestones of the page's start-up in milliseconds since the webview's page began loading
 * (performance.now() in the page); absent for a step not reached yet.
 */
export interface CallGraphPageTimings {
  /** When the page began loading, in milliseconds since 1970 (performance.timeOrigin). */
  timeOrigin?: number;
  /** The page's HTML had arrived (navigation timing; absent if not known). */
  documentLoaded?: number;
  /** The page's script was asked for, and had arrived (resource timing; absent if not known). */
  scriptRequested?: number;
  scriptLoaded?: number;
  /** The page's script began to run. */
  scriptStarted?: number;
  /** The layout worker answered its first layout (or the page settled for its own thread). */
  layoutReady?: number;
  /** The host's `show` arrived. */
  showReceived?: number;
  /** The profile was parsed and the model, the graph and its DOT were built. */
  graphBuilt?: number;
  /** The drawn graph was in the page, just before `rendered` was posted. */
  drawn?: number;
}

/** The profile to show (replacing any other). Options default to the page's saved ones. */
export interface CallGraphShow {
  profile: CallGraphProfile | CallGraphProfileBytes;
  options?: CallGraphOptions;
  focusFunction?: number;
  /** The `def` lines of decorated functions, as go-to-source opens them: labels show these. */
  definitionLines?: DefinitionLines;
}

/** What the page drew, after each layout. */
export interface CallGraphRendered {
  profileId: string;
  /** Drawn nodes and edges, and what the thresholds hid. */
  nodes: number;
  edges: number;
  hiddenText: string;
  /** Function indices of the hot path, root first. */
  hotPath: number[];
  options: Required<CallGraphOptions>;
  layoutMs: number;
  layoutIn: 'worker' | 'page';
  /** When the page reached each step of its start-up, for the figures tests record. */
  timings?: CallGraphPageTimings;
}

/** A function of the profile the host sent, by its index there: never by its file or line. */
export interface CallGraphFunctionRef {
  profileId: string;
  function: number;
}

/** The graph as text for another tool, and the file name the page suggests for it. */
export interface ExportedGraphText {
  text: string;
  suggestedName: string;
}

/**
 * Something the user should see in a notification, e.g. a failed layout or an exception the
 * page did not catch: the message says what failed and why; detail (a stack) is for the log.
 */
export interface CallGraphPageFailure {
  message: string;
  detail?: string;
}

export interface CallGraphProtocol {
  host: {
    notes: {
      show: CallGraphShow;
      /** `def` lines found after `show` went out: the page relabels the functions and redraws. */
      definitionLines: { lines: DefinitionLines };
      /** Center and highlight a function (e.g. from the call tree's "Show in call graph"). */
      focusFunction: { function: number };
    };
    asks: {
      /** The current graph as DOT or SVG (the light theme, with its caption). */
      exportGraph: { body: { format: ExportFormat }; answer: ExportedGraphText };
    };
  };
  page: {
    notes: {
      rendered: CallGraphRendered;
      /** A node was clicked or activated with the keyboard: open its source. */
      openFunction: CallGraphFunctionRef;
      /** Show this function in the call tree view (the T key on a node). */
      showInCallTree: CallGraphFunctionRef;
      /** The user pressed a Save button: the host asks for the graph and saves it. */
      saveGraph: { format: ExportFormat };
      /** The user changed the thresholds in the page (the host remembers them for new graphs). */
      optionsChanged: { options: Required<CallGraphOptions> };
      error: CallGraphPageFailure;
    };
    asks: Record<never, never>;
  };
}

/** A note of the page with its type, as the host's test hooks see it (and tests send it). */
export type CallGraphPageNote = PageNoteOf<CallGraphProtocol>;
