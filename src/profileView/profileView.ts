/**
 * One open profile view: a webview panel showing one profile file. It reads and parses the
 * file, answers the page's messages (src/profileView/protocol.ts), opens sources, and keeps the
 * page's last reported state. The page may be torn down while its tab is hidden (no
 * retainContextWhenHidden): it posts `ready` again when shown, gets the profile again, and
 * restores its own state with getState().
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type ProfileDocument } from '../core/profileFormat';
import { ProfileReadError, parseProfileDocument, parseProfileHeader } from '../core/profileHeader';
import { decodeUtf8, readProfileFile } from '../node/loadProfile';
import { readLimitsFor, sizeLimitMessage, type ReadLimits } from '../node/readLimits';
import { openFunctionSource } from '../host/openSource';
import { resolveDefinitionLines, type SourceReading } from '../host/definitionLines';
import type { DefinitionLines } from '../core/definitionLine';
import { withTimeout } from '../core/withTimeout';
import type { Settings } from '../host/settings';
import { ViewStateStore } from './viewStateStore';
import { isProfileViewToHostMessage, type HostToProfileViewMessage, type ProfilePayload, type ViewState } from './protocol';

export type LoadResult = { profile: ProfilePayload } | { error: string };

/**
 * How long `show` waits for the `def` lines of decorated functions (started when the view opens,
 * they are usually found before the page has loaded); later ones follow in a `definitionLines`
 * message, and the page shows them in place.
 */
const DEFINITION_LINES_WAIT_MS = 1500;

export interface ProfileViewHooks {
  settings(): Settings;
  /** How decorated functions' sources are read (resolveDefinitionLines). */
  sourceReading?(): SourceReading;
  states: ViewStateStore;
  /** The view was focused or got its profile: the source hints follow it. */
  onActive(view: ProfileView): void;
  onStateChange(view: ProfileView): void;
  onDispose(view: ProfileView): void;
  /** Where the page's failures are logged (with their stacks). */
  log?: vscode.LogOutputChannel;
}

export class ProfileView implements vscode.Disposable {
  private loaded?: Promise<LoadResult>;
  private parsed?: Promise<ProfileDocument | undefined>;
  private definitionLines?: Promise<DefinitionLines>;
  private lastState?: ViewState;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private stateWaiters: ((state: ViewState) => void)[] = [];
  /** What the page reported as failed, oldest first (tests read it; the user saw each). */
  readonly pageErrors: string[] = [];

  constructor(
    readonly uri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    private readonly hooks: ProfileViewHooks,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      panel.onDidChangeViewState(() => {
        if (panel.active) this.hooks.onActive(this);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    // While VS Code loads the page: the file, and the sources of its decorated functions.
    void this.resolveDefinitionLines();
  }

  /** The `def` lines of the profile's decorated functions (empty when the file is broken). */
  resolveDefinitionLines(): Promise<DefinitionLines> {
    this.definitionLines ??= this.document()
      .then((document) =>
        document ? resolveDefinitionLines(document.profile.functions, document.paths, this.hooks.settings(), this.hooks.sourceReading?.()) : [],
      )
      .catch(() => []);
    return this.definitionLines;
  }

  /** The page's last reported state, if it has drawn the profile. */
  get state(): ViewState | undefined {
    return this.lastState;
  }

  /** The parsed profile, or undefined while loading or when the file is broken. */
  document(): Promise<ProfileDocument | undefined> {
    this.parsed ??= this.load().then((result) => ('profile' in result ? documentOf(result.profile) : undefined));
    return this.parsed;
  }

  /** Resolves with the next state the page reports that satisfies check (for tests and commands). */
  nextState(check: (state: ViewState) => boolean = () => true): Promise<ViewState> {
    if (this.lastState && check(this.lastState)) return Promise.resolve(this.lastState);
    return new Promise((resolve) => {
      const waiter = (state: ViewState) => {
        if (!check(state)) return;
        this.stateWaiters = this.stateWaiters.filter((w) => w !== waiter);
        resolve(state);
      };
      this.stateWaiters.push(waiter);
    });
  }

  post(message: HostToProfileViewMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  /** What reading the file gave: the profile sent to the page, or the message it shows instead. */
  loadResult(): Promise<LoadResult> {
    return this.load();
  }

  private load(): Promise<LoadResult> {
    this.loaded ??= readProfile(this.uri, readLimitsFor(this.hooks.settings().maxProfileSizeMB));
    return this.loaded;
  }

  /** Handles a message from the page (public so that integration tests can act as the page). */
  async receive(message: unknown): Promise<void> {
    if (!isProfileViewToHostMessage(message)) return;
    switch (message.type) {
      case 'ready': {
        // A page that (re)loads (a hidden tab's page is torn down) has drawn nothing yet: whoever
        // waits for it to be shown (Show in Call Tree) must wait for its new state, or their
        // message reaches a page without a profile and is dropped.
        this.lastState = undefined;
        const result = await this.load();
        const fileName = path.basename(this.uri.fsPath);
        if ('error' in result) {
          await this.post({ type: 'failed', fileName, message: result.error });
        } else {
          const defaults = { hideLibraryFrames: this.hooks.settings().hideLibraryFrames };
          const resolving = this.resolveDefinitionLines();
          const inTime = await withTimeout(resolving, DEFINITION_LINES_WAIT_MS).catch(() => undefined);
          await this.post({
            type: 'show',
            fileName,
            profile: result.profile,
            defaults,
            savedState: this.hooks.states.get(this.uri),
            definitionLines: inTime ?? [],
          });
          if (this.panel.active) this.hooks.onActive(this);
          if (!inTime) void resolving.then((lines) => this.postLateDefinitionLines(lines));
        }
        return;
      }
      case 'viewState':
        this.lastState = message.state;
        for (const waiter of [...this.stateWaiters]) waiter(message.state);
        this.hooks.onStateChange(this);
        return;
      case 'saveState':
        await this.hooks.states.set(this.uri, message.state);
        return;
      case 'openFunction': {
        const document = await this.document();
        await openFunctionSource({ file: message.file, line: message.line, name: message.name }, { paths: document?.paths }, this.hooks.settings());
        return;
      }
      case 'error':
        this.pageErrors.push(message.message);
        this.hooks.log?.error(`profile view of ${this.uri.fsPath}: ${message.message}${typeof message.detail === 'string' ? `\n${message.detail}` : ''}`);
        void vscode.window.showErrorMessage(`Request Profiler: ${message.message}`);
        return;
      case 'openRaw':
        // As "Reopen Editor With… Text Editor" does: the text editor takes this tab's place,
        // rather than a second tab of the same name beside it.
        await vscode.commands.executeCommand('vscode.openWith', this.uri, 'default', this.panel.viewColumn);
        this.panel.dispose();
        return;
    }
  }

  /** Lines found after `show`: to the page, unless it has gone (a closed tab's webview refuses messages). */
  private async postLateDefinitionLines(lines: DefinitionLines): Promise<void> {
    if (!lines.length || this.disposed) return;
    try {
      await this.post({ type: 'definitionLines', lines });
    } catch {
      // Closed meanwhile: nothing shows them.
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.stateWaiters = [];
    this.hooks.onDispose(this);
  }
}

/**
 * Reads a profile file for the page through the views' one loader (src/node/loadProfile.ts):
 * the middleware's JSON as bytes, checked only as far as its header line (the page parses the
 * rest, and says so if that fails), or a pstats file as a parsed document. Files not on disk
 * (another file system provider) are read through VS Code, within the same size limit. Every
 * failure becomes a message the page can show.
 */
export async function readProfile(uri: vscode.Uri, limits: ReadLimits): Promise<LoadResult> {
  try {
    if (uri.scheme === 'file') {
      const content = await readProfileFile(uri.fsPath, limits);
      return { profile: 'bytes' in content ? { bytes: content.bytes } : { document: content.document } };
    }
    const name = path.posix.basename(uri.path);
    const { size } = await vscode.workspace.fs.stat(uri);
    if (size > limits.maxBytes) throw new ProfileReadError(sizeLimitMessage(name, size, limits.maxBytes));
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > limits.maxBytes) throw new ProfileReadError(sizeLimitMessage(name, undefined, limits.maxBytes));
    const newline = bytes.indexOf(10);
    parseProfileHeader(decodeUtf8(newline < 0 ? bytes : bytes.subarray(0, newline + 1)));
    // A plain view, not a Buffer: a Buffer would reach the page as a list of numbers (its toJSON).
    return { profile: { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) } };
  } catch (error) {
    if (error instanceof ProfileReadError) return { error: error.message };
    return { error: `The profile could not be read: ${(error as Error).message}` };
  }
}

/** The whole document of a payload, parsed on the host when it needs it; undefined if it is broken. */
function documentOf(payload: ProfilePayload): ProfileDocument | undefined {
  if ('document' in payload) return payload.document;
  try {
    return parseProfileDocument(decodeUtf8(payload.bytes));
  } catch {
    return undefined;
  }
}
