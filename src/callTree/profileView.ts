/**
 * One open profile view: a webview panel showing one profile file. It reads and parses the
 * file, answers the page's messages (src/callTree/protocol.ts), opens sources, and keeps the
 * page's last reported state. The page may be torn down while its tab is hidden (no
 * retainContextWhenHidden): it posts `ready` again when shown, gets the profile again, and
 * restores its own state with getState().
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProfileReadError, parseProfileDocument } from '../core/profileHeader';
import type { ProfileDocument } from '../core/profileFormat';
import { loadProfile } from '../node/loadProfile';
import { openFunctionSource } from '../host/openSource';
import type { Settings } from '../host/settings';
import { ViewStateStore } from './viewStateStore';
import { isProfileViewToHostMessage, type HostToProfileViewMessage, type ViewState } from './protocol';

export type LoadResult = { document: ProfileDocument } | { error: string };

export interface ProfileViewHooks {
  settings(): Settings;
  states: ViewStateStore;
  /** The view was focused or got its profile: the source hints follow it. */
  onActive(view: ProfileView): void;
  onStateChange(view: ProfileView): void;
  onDispose(view: ProfileView): void;
}

export class ProfileView implements vscode.Disposable {
  private loaded?: Promise<LoadResult>;
  private lastState?: ViewState;
  private readonly disposables: vscode.Disposable[] = [];
  private stateWaiters: ((state: ViewState) => void)[] = [];

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
  }

  /** The page's last reported state, if it has drawn the profile. */
  get state(): ViewState | undefined {
    return this.lastState;
  }

  /** The parsed profile, or undefined while loading or when the file is broken. */
  async document(): Promise<ProfileDocument | undefined> {
    const result = await this.load();
    return 'document' in result ? result.document : undefined;
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

  private load(): Promise<LoadResult> {
    this.loaded ??= readProfile(this.uri);
    return this.loaded;
  }

  /** Handles a message from the page (public so that integration tests can act as the page). */
  async receive(message: unknown): Promise<void> {
    if (!isProfileViewToHostMessage(message)) return;
    switch (message.type) {
      case 'ready': {
        const result = await this.load();
        const fileName = path.basename(this.uri.fsPath);
        if ('error' in result) {
          await this.post({ type: 'failed', fileName, message: result.error });
        } else {
          const defaults = { hideLibraryFrames: this.hooks.settings().hideLibraryFrames };
          await this.post({ type: 'show', fileName, document: result.document, defaults, savedState: this.hooks.states.get(this.uri) });
          if (this.panel.active) this.hooks.onActive(this);
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
      case 'openRaw':
        await vscode.commands.executeCommand('vscode.openWith', this.uri, 'default');
        return;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.stateWaiters = [];
    this.hooks.onDispose(this);
  }
}

/**
 * Reads and parses a profile file, the middleware's JSON or a pstats file (the shared loader
 * of src/node/loadProfile.ts); every failure becomes a message the page can show.
 */
export async function readProfile(uri: vscode.Uri): Promise<LoadResult> {
  try {
    if (uri.scheme === 'file') return { document: (await loadProfile(uri.fsPath)).document };
    // Not on this machine's disk (a virtual file system): only the JSON format is read.
    const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
    return { document: parseProfileDocument(text) };
  } catch (error) {
    if (error instanceof ProfileReadError) return { error: error.message };
    return { error: `The profile could not be read: ${(error as Error).message}` };
  }
}
