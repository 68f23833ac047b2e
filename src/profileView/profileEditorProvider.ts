/**
 * The read-only custom editor for *.rprof.json files: opening a profile (from the Explorer or
 * the Profiles panel) shows the profile view instead of the JSON. "Reopen With… Text Editor"
 * still shows the raw file. VS Code itself restores custom editors after a reload; the page
 * restores its own state with getState(), so no separate webview serializer is needed.
 */
import * as vscode from 'vscode';
import { documentTitle } from '../core/profileTitle';
import { SOURCE_READING, type SourceReading } from '../host/definitionLines';
import type { Settings } from '../host/settings';
import type { SourceHints } from '../host/sourceHints';
import { profileViewHtml, webviewRoot } from './pageHtml';
import { ProfileView } from './profileView';
import type { EndpointContext } from './protocol';
import { ViewStateStore } from './viewStateStore';
import { PROFILE_VIEW_TYPE } from '../contributions';
import { Throttle } from '../core/throttle';

/** The Profiles panel's word on each listed request's endpoint, and when it may have changed. */
export interface EndpointSource {
  contextOf(file: string): EndpointContext | undefined;
  /** Listens for changes of the list; returns the way to stop. */
  onDidChange(listener: () => void): () => void;
}

/** How often open views look again at their request's endpoint while profiles arrive. */
const ENDPOINT_REFRESH_MS = 1000;

export class ProfileEditorProvider implements vscode.CustomReadonlyEditorProvider {
  private readonly views = new Set<ProfileView>();
  private readonly changed = new vscode.EventEmitter<ProfileView>();
  /** A view opened, reported a new state, or closed. */
  readonly onDidChangeViews = this.changed.event;
  /** How views read decorated functions' sources for their `def` lines; the suite swaps in reads it holds. */
  sourceReading: SourceReading = SOURCE_READING;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly settings: () => Settings,
    private readonly hints: SourceHints,
    private readonly states: ViewStateStore,
    private readonly log?: vscode.LogOutputChannel,
    private readonly endpoints?: EndpointSource,
  ) {}

  static register(
    extensionUri: vscode.Uri,
    settings: () => Settings,
    hints: SourceHints,
    workspaceState: vscode.Memento,
    log?: vscode.LogOutputChannel,
    endpoints?: EndpointSource,
  ): { provider: ProfileEditorProvider; registration: vscode.Disposable } {
    const provider = new ProfileEditorProvider(extensionUri, settings, hints, new ViewStateStore(workspaceState), log, endpoints);
    // While a load test writes hundreds of profiles a second, the open views look again at most once a second.
    const refresh = new Throttle(ENDPOINT_REFRESH_MS, () => provider.endpointsChanged());
    const unsubscribe = endpoints?.onDidChange(() => refresh.request());
    const registration = vscode.window.registerCustomEditorProvider(PROFILE_VIEW_TYPE, provider, {
      // One page per editor; hidden pages are rebuilt from their saved state when shown again.
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    });
    return {
      provider,
      registration: vscode.Disposable.from(registration, provider.changed, { dispose: () => (unsubscribe?.(), refresh.cancel()) }),
    };
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot(this.extensionUri)] };
    const view = new ProfileView(document.uri, panel, {
      settings: this.settings,
      sourceReading: () => this.sourceReading,
      states: this.states,
      onActive: (v) => void this.showHints(v),
      onStateChange: (v) => this.changed.fire(v),
      log: this.log,
      endpointContext: this.endpoints ? (file) => this.endpoints!.contextOf(file) : undefined,
      onDispose: (v) => {
        this.views.delete(v);
        this.hints.clear(v);
        this.changed.fire(v);
      },
    });
    this.views.add(view);
    panel.webview.html = profileViewHtml(panel.webview, this.extensionUri);
    this.changed.fire(view);
    void this.titleWithRequest(view);
  }

  /**
   * Names the tab after the request ("GET /slow") instead of the file name; VS Code keeps the file's
   * path in the tab's tooltip. VS Code honours a custom editor's WebviewPanel.title from 1.106 on
   * (microsoft/vscode#105299); earlier versions keep showing the file name.
   */
  private async titleWithRequest(view: ProfileView): Promise<void> {
    const document = await view.document();
    if (document && this.views.has(view)) view.panel.title = documentTitle(document, view.uri.fsPath);
  }

  /** Open views of a file, oldest first. */
  viewsOf(uri: vscode.Uri): ProfileView[] {
    return [...this.views].filter((v) => v.uri.toString() === uri.toString());
  }

  /** The Profiles panel's list changed: each open view's header checks its request's endpoint again. */
  endpointsChanged(): void {
    for (const view of this.views) void view.refreshEndpoint();
  }

  allViews(): ProfileView[] {
    return [...this.views];
  }

  private async showHints(view: ProfileView): Promise<void> {
    const document = await view.document();
    if (document && this.views.has(view)) this.hints.show(view, document);
  }
}
