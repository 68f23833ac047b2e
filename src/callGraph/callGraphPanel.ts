/**
 * The call graph of one profile in a webview panel (the page is webview/callGraph/), and the
 * set of open ones: at most one panel per profile file, reused when asked again, restored by
 * VS Code after a reload through the page's saved state (see CallGraphPageState).
 *
 * The host reads and parses the file; the page builds the graph, lays it out and reports
 * clicks, which the host turns into editors (click-to-source, the call tree) and saved files.
 */
import * as vscode from 'vscode';
import type { CallGraphOptions } from '../core/callGraph';
import type { ProfileDocument } from '../core/profileFormat';
import { HostChannel, type ChannelHandlers } from '../core/webviewChannel';
import { openFunctionSource } from '../host/openSource';
import { resolveDefinitionLines } from '../host/definitionLines';
import type { DefinitionLines } from '../core/definitionLine';
import type { Settings } from '../host/settings';
import { webviewTransport } from '../host/webviewTransport';
import { createPagePanel, pageWebviewOptions } from '../host/webviewPanel';
import { callGraphHtml } from './callGraphHtml';
import { makeNonce } from '../host/nonce';
import { callGraphPanelTitle, toCallGraphProfile } from './callGraphProfile';
import { loadProfileDocument, type LoadedCallGraphProfile } from './loadProfile';
import { readLimitsFor } from '../node/readLimits';
import { callGraphPageChecks } from './pageChecks';
import type { CallGraphPageNote, CallGraphPageState, CallGraphProfile, CallGraphProtocol, CallGraphRendered, ExportFormat } from './protocol';
import { saveExportedGraph } from './saveExport';
import { withTimeout } from '../core/withTimeout';
import { CALL_GRAPH_VIEW_TYPE, COMMAND } from '../contributions';
import { loggedAndHeard } from '../host/pageNoteHandlers';

const OPTIONS_KEY = 'requestProfiler.callGraph.options';
/** An export the page does not answer by then is reported as failed rather than hanging. */
const EXPORT_TIMEOUT_MS = 60_000;
/**
 * How long the first `show` waits for the `def` lines of decorated functions, so that the first
 * layout has them when the page is ready before they are found; later ones follow on their own.
 */
const SHOW_WAITS_FOR_DEFINITION_LINES_MS = 300;

export type RenderedMessage = CallGraphRendered;

export interface CallGraphMessageEvent {
  uri: vscode.Uri;
  message: CallGraphPageNote;
}

export interface CallGraphServices {
  extensionUri: vscode.Uri;
  settings(): Settings;
  /** Where the thresholds last chosen in any call graph are kept, for the next new panel. */
  memento: vscode.Memento;
  log: vscode.LogOutputChannel;
}

type PageHandlers = ChannelHandlers<CallGraphProtocol['page']>;

export class CallGraphPanel {
  private document: ProfileDocument | undefined;
  private profile: CallGraphProfile | undefined;
  /** The file's bytes, sent instead of the parsed data when we have them (CallGraphProfileBytes). */
  private bytes: Uint8Array | undefined;
  /** Thresholds to send with the first `show` only: afterwards the page's own state rules. */
  private initialOptions: CallGraphOptions | undefined;
  private pendingFocus: number | undefined;
  /** What the views show as decorated functions' lines (resolveDefinitionLines); tests read it. */
  definitionLines: DefinitionLines = [];
  /** The profile the page that is loaded now was sent (it then needs later `def` lines as a note). */
  private shownProfile: CallGraphProfile | undefined;
  private readonly channel: HostChannel<CallGraphProtocol>;
  private readonly handlers = this.pageHandlers();
  /** What the host accepts from the page: functions of the profile it was sent, by index. */
  private readonly checks = callGraphPageChecks(() => this.shownProfile && { id: this.shownProfile.id, functions: this.shownProfile.data.functions.length });
  /** Resolves when the page that is loaded now has drawn the graph. */
  private drawn!: Promise<void>;
  private markDrawn!: () => void;
  private disposed = false;
  /** What the page reported as failed, oldest first (tests read it; the user saw each). */
  readonly pageErrors: string[] = [];
  /** What the loaded page drew last; undefined while the page (re)loads. */
  lastRendered: RenderedMessage | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    private readonly owner: CallGraphPanels,
    private readonly services: CallGraphServices,
    fresh: boolean,
  ) {
    this.expectNewPage();
    this.initialOptions = fresh ? services.memento.get<CallGraphOptions>(OPTIONS_KEY) : undefined;
    const distUri = vscode.Uri.joinPath(services.extensionUri, 'dist');
    panel.webview.options = pageWebviewOptions(services.extensionUri);
    this.channel = new HostChannel<CallGraphProtocol>(webviewTransport(panel.webview), this.handlers, this.checks, () => this.onPageReady(), {
      askTimeoutMs: EXPORT_TIMEOUT_MS,
      report: (problem) => services.log.warn(`call graph of ${uri.fsPath}: ${problem}`),
    });
    panel.onDidDispose(() => this.dispose());
    panel.webview.html = callGraphHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(distUri, 'webview', 'callGraph.js')).toString(),
      layoutScriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(distUri, 'webview', 'callGraph.worker.js')).toString(),
      nonce: makeNonce(),
    });
  }

  /** Shows this profile (on creation, or once a restored panel has read its file). */
  setProfile({ document, bytes }: LoadedCallGraphProfile): void {
    this.document = document;
    this.bytes = bytes;
    this.profile = toCallGraphProfile(document, this.uri.toString());
    this.panel.title = callGraphPanelTitle(document.header, this.uri.fsPath);
    this.definitionLines = [];
    const profile = this.profile;
    const resolving = resolveDefinitionLines(document.profile.functions, document.paths, this.services.settings());
    void resolving.then((lines) => {
      if (this.profile !== profile || !lines.length) return;
      this.definitionLines = lines;
      if (this.shownProfile === profile) this.channel.note('definitionLines', { lines });
    });
    // A page that is ready already (a restored panel's, while the file was read) gets the
    // profile now, with its `def` lines if they come soon; any other gets it when it is ready.
    void withTimeout(resolving, SHOW_WAITS_FOR_DEFINITION_LINES_MS)
      .catch(() => undefined)
      .then(() => {
        if (this.profile === profile && this.shownProfile !== profile && this.channel.pageId !== undefined) this.sendShow();
      });
  }

  /** Centers a function in the graph (now, or once the graph is drawn). */
  focusFunction(fn: number): void {
    if (this.lastRendered) this.channel.note('focusFunction', { function: fn });
    else this.pendingFocus = fn;
  }

  /**
   * Asks the page for the graph as DOT or SVG and saves it: to target when given (no
   * dialog), else where the user chooses. Resolves to the file written, or undefined when
   * the user cancelled.
   */
  async export(format: ExportFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    // A hidden page is kept (retainContextWhenHidden) and answers; one that has not loaded yet
    // (a restored panel never shown) loads only when visible.
    if (!this.panel.visible && this.channel.pageId === undefined) this.panel.reveal(this.panel.viewColumn, true);
    await withTimeout(this.drawn, EXPORT_TIMEOUT_MS, 'the call graph was not drawn in time');
    const graph = await this.channel.ask('exportGraph', { format });
    return saveExportedGraph({ format, ...graph }, this.uri, target);
  }

  /**
   * Handles a note as if the page had sent it, through the same checks (the test hooks' way in:
   * clicks without a browser). A refused note is an error that says why.
   */
  async receive(note: CallGraphPageNote): Promise<void> {
    const { type, ...body } = note;
    const problem = this.checks.notes[type](body);
    if (problem !== undefined) throw new Error(`the call graph refused "${type}": ${problem}`);
    await (this.handlers.notes[type] as (body: unknown) => Promise<void>)(body);
  }

  /** The handlers of what the page sends (the channel has checked each body first). */
  private pageHandlers(): PageHandlers {
    const handlers = {
      notes: {
        rendered: (rendered) => {
          this.lastRendered = rendered;
          this.markDrawn();
          // Asked for while the page was drawing: `show` had gone out without it.
          if (this.pendingFocus !== undefined) this.channel.note('focusFunction', { function: this.pendingFocus });
          this.pendingFocus = undefined;
        },
        openFunction: async ({ function: fn }) => void (await this.openSource(fn)),
        showInCallTree: ({ function: fn }) => this.showInCallTree(fn),
        saveGraph: async ({ format }) => void (await this.export(format)),
        optionsChanged: async ({ options }) => await this.services.memento.update(OPTIONS_KEY, options),
        error: ({ message, detail }) => {
          this.services.log.error(`call graph of ${this.uri.fsPath}: ${message}${detail ? `\n${detail}` : ''}`);
          this.pageErrors.push(message);
          void vscode.window.showErrorMessage(`Call graph of ${this.uri.path.split('/').pop()}: ${message}`);
        },
      },
      asks: {},
    } satisfies PageHandlers;
    return { notes: this.shownAndHeard(handlers.notes), asks: handlers.asks };
  }

  /** Each note handler, its failure logged and shown with its reason, the test hooks told of it (src/host/pageNoteHandlers.ts). */
  private shownAndHeard(notes: PageHandlers['notes']): PageHandlers['notes'] {
    return loggedAndHeard<CallGraphProtocol['page']>(notes, {
      logLabel: 'call graph',
      userLabel: 'Call graph',
      log: { error: (message) => this.services.log.error(message) }, // read when a handler fails: services is set after this runs
      heard: (type, body) => this.owner.fireMessage({ uri: this.uri, message: { type, ...(body as object) } as CallGraphPageNote }),
    });
  }

  /**
   * Opens a function's source, from its index in the host's own copy of the profile, in the
   * group beside the graph: the user goes on clicking through the graph, which stays in view.
   */
  async openSource(fn: number): Promise<boolean> {
    const info = this.document?.profile.functions[fn];
    if (!info || !this.document) return false;
    const sourceFunction = { file: info.file, line: info.line, name: info.qualname ?? info.name };
    return openFunctionSource(sourceFunction, this.document, this.services.settings(), { viewColumn: vscode.ViewColumn.Beside });
  }

  /** Opens the profile's call tree with the function revealed (src/profileView/callTreeCommands.ts). */
  async showInCallTree(fn: number): Promise<void> {
    await vscode.commands.executeCommand(COMMAND.revealInCallTree, this.uri, fn);
  }

  /** A page said it is ready: on the first load, and on every reload, which starts afresh. */
  private onPageReady(): void {
    if (this.lastRendered) this.expectNewPage();
    this.shownProfile = undefined;
    if (this.profile) this.sendShow();
  }

  private expectNewPage(): void {
    this.lastRendered = undefined;
    this.drawn = new Promise((resolve) => (this.markDrawn = resolve));
  }

  private sendShow(): void {
    const { id, title, paths, source } = this.profile!;
    const profile = this.bytes ? { id, title, paths, source, document: this.bytes } : this.profile!;
    this.channel.note('show', {
      profile,
      options: this.initialOptions,
      focusFunction: this.pendingFocus,
      definitionLines: this.definitionLines,
    });
    this.shownProfile = this.profile;
    this.initialOptions = undefined;
    this.pendingFocus = undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.channel.dispose();
    this.owner.forget(this);
    this.panel.dispose();
  }
}

/** The open call graph panels, one per profile file. */
export class CallGraphPanels implements vscode.Disposable, vscode.WebviewPanelSerializer<CallGraphPageState> {
  private readonly panels = new Map<string, CallGraphPanel>();
  private readonly messages = new vscode.EventEmitter<CallGraphMessageEvent>();
  /** Every message a page posted, after the host handled it (for tests and logs). */
  readonly onDidReceiveMessage = this.messages.event;

  constructor(private readonly services: CallGraphServices) {}

  get(uri: vscode.Uri): CallGraphPanel | undefined {
    return this.panels.get(uri.toString());
  }

  /** The panel the user is looking at, if it is a call graph. */
  get active(): CallGraphPanel | undefined {
    return [...this.panels.values()].find((p) => p.panel.active);
  }

  /**
   * Shows the call graph of the profile at uri, reusing its panel if one is open. A file that
   * cannot be read or parsed opens nothing: the error says which file and why.
   */
  async createOrShow(uri: vscode.Uri, options: { focusFunction?: number; viewColumn?: vscode.ViewColumn } = {}): Promise<CallGraphPanel | undefined> {
    const open = this.get(uri);
    if (open) {
      open.panel.reveal(options.viewColumn ?? open.panel.viewColumn);
      if (options.focusFunction !== undefined) open.focusFunction(options.focusFunction);
      return open;
    }
    let loaded: LoadedCallGraphProfile;
    try {
      loaded = await loadProfileDocument(uri, readLimitsFor(this.services.settings().maxProfileSizeMB));
    } catch (error) {
      void vscode.window.showErrorMessage(`Cannot show the call graph of ${(error as Error).message}`);
      return undefined;
    }
    // Loading took a moment: another request for the same profile may have opened it meanwhile.
    const raced = this.get(uri);
    if (raced) return raced;
    const panel = createPagePanel(
      this.services.extensionUri,
      CALL_GRAPH_VIEW_TYPE,
      callGraphPanelTitle(loaded.document.header, uri.fsPath),
      options.viewColumn ?? vscode.ViewColumn.Active,
      {
        enableFindWidget: false,
        // Click-to-source opens editors over the graph, and users go back and forth: keep the page
        // (its zoom, pan, search and focused node) rather than lay the graph out afresh each time.
        retainContextWhenHidden: true,
      },
    );
    const callGraph = this.track(new CallGraphPanel(panel, uri, this, this.services, true));
    if (options.focusFunction !== undefined) callGraph.focusFunction(options.focusFunction);
    callGraph.setProfile(loaded);
    return callGraph;
  }

  /** VS Code restores a panel after a reload with the page's saved state. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: CallGraphPageState | undefined): Promise<void> {
    const source = typeof state?.source === 'string' ? state.source : undefined;
    if (!source) {
      // Saved before the page knew its profile: nothing to show again.
      panel.dispose();
      return;
    }
    let uri: vscode.Uri;
    try {
      uri = vscode.Uri.parse(source, true);
    } catch (error) {
      // Saved state is the page's: never trusted to be well formed.
      panel.dispose();
      this.services.log.warn(`call graph: not restored, its saved profile "${source}" is not a URI (${(error as Error).message})`);
      return;
    }
    if (this.get(uri)) {
      panel.dispose();
      return;
    }
    const callGraph = this.track(new CallGraphPanel(panel, uri, this, this.services, false));
    try {
      callGraph.setProfile(await loadProfileDocument(uri, readLimitsFor(this.services.settings().maxProfileSizeMB)));
    } catch (error) {
      callGraph.dispose();
      void vscode.window.showWarningMessage(`Could not restore the call graph of ${(error as Error).message}`);
    }
  }

  fireMessage(event: CallGraphMessageEvent): void {
    this.messages.fire(event);
  }

  forget(callGraph: CallGraphPanel): void {
    if (this.panels.get(callGraph.uri.toString()) === callGraph) this.panels.delete(callGraph.uri.toString());
  }

  private track(callGraph: CallGraphPanel): CallGraphPanel {
    this.panels.set(callGraph.uri.toString(), callGraph);
    return callGraph;
  }

  dispose(): void {
    for (const callGraph of [...this.panels.values()]) callGraph.dispose();
    this.messages.dispose();
  }
}
