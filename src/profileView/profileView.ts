/**
 * One open profile view: a webview panel showing one profile file. It reads and parses the
 * file, talks with the page over the views' channel (src/core/webviewChannel.ts, protocol in
 * src/profileView/protocol.ts), opens sources, and keeps the page's last reported state. The
 * page may be torn down while its tab is hidden (no retainContextWhenHidden): the channel holds
 * what is sent meanwhile, the new page says it is ready when shown, gets the profile again, and
 * restores its own state with getState().
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type ProfileDocument } from '../core/profileFormat';
import { ProfileReadError, parseProfileDocument, parseProfileHeader } from '../core/profileHeader';
import { HostChannel, type ChannelHandlers } from '../core/webviewChannel';
import { decodeUtf8, readProfileFile } from '../node/loadProfile';
import { readLimitsFor, sizeLimitMessage, type ReadLimits } from '../node/readLimits';
import { openFunctionSource } from '../host/openSource';
import { resolveDefinitionLines, type SourceReading } from '../host/definitionLines';
import { webviewTransport } from '../host/webviewTransport';
import type { DefinitionLines } from '../core/definitionLine';
import { withTimeout } from '../core/withTimeout';
import type { Settings } from '../host/settings';
import { ViewStateStore } from './viewStateStore';
import { COMMAND } from '../contributions';
import { PAGE_CHECKS, type EndpointContext, type ProfilePayload, type ProfileViewPageNote, type ProfileViewProtocol, type ViewState } from './protocol';

export type LoadResult = { profile: ProfilePayload } | { error: string };

type HostNotes = ProfileViewProtocol['host']['notes'];
type PageHandlers = ChannelHandlers<ProfileViewProtocol['page']>;

/**
 * How long `show` waits for the `def` lines of decorated functions (started when the view opens,
 * they are usually found before the page has loaded); later ones follow in a `definitionLines`
 * note, and the page shows them in place.
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
  /** Where the page's failures, and the messages the host refused from it, are logged. */
  log?: vscode.LogOutputChannel;
  /** The request among its endpoint's in the Profiles panel (undefined for a file it does not list). */
  endpointContext?(file: string): EndpointContext | undefined;
}

export class ProfileView implements vscode.Disposable {
  private loaded?: Promise<LoadResult>;
  private parsed?: Promise<ProfileDocument | undefined>;
  private definitionLines?: Promise<DefinitionLines>;
  private lastState?: ViewState;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private stateWaiters: ((state: ViewState) => void)[] = [];
  private readonly handlers: PageHandlers = this.pageHandlers();
  private readonly channel: HostChannel<ProfileViewProtocol>;
  /** What the page reported as failed, oldest first (tests read it; the user saw each). */
  readonly pageErrors: string[] = [];
  /** What the header was last told of the request's endpoint with `show` (tests read it). */
  endpoint: EndpointContext | undefined;
  /** A `show` has told a page the endpoint context (refreshEndpoint's changes are relative to it). */
  private endpointTold = false;

  constructor(
    readonly uri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    private readonly hooks: ProfileViewHooks,
  ) {
    this.channel = new HostChannel<ProfileViewProtocol>(webviewTransport(panel.webview), this.handlers, PAGE_CHECKS, (page) => void this.showProfile(page), {
      report: (problem) => this.hooks.log?.warn(`profile view of ${this.uri.fsPath}: ${problem}`),
    });
    this.disposables.push(
      panel.onDidChangeViewState(() => {
        // A hidden tab's page is torn down: what is sent meanwhile waits for the next page, and
        // the old page's state is forgotten, so that whoever waits for a state (nextState)
        // waits for the new page's, not for one of a page that is gone.
        if (!panel.visible) this.pageGone();
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

  /** Resolves with the next state the page reports that satisfies check (the integration tests wait with it). */
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

  /** Tells the page something (held until a page is ready to hear it). */
  note<K extends keyof HostNotes & string>(type: K, body: HostNotes[K]): void {
    this.channel.note(type, body);
  }

  /** What reading the file gave: the profile sent to the page, or the message it shows instead. */
  loadResult(): Promise<LoadResult> {
    return this.load();
  }

  /**
   * Handles a note as if the page had sent it, through the same checks (integration tests act as
   * the page with it). A refused note is an error that says why.
   */
  async receive(note: ProfileViewPageNote): Promise<void> {
    const { type, ...body } = note;
    const problem = PAGE_CHECKS.notes[type](body);
    if (problem !== undefined) throw new Error(`the profile view refused "${type}": ${problem}`);
    await (this.handlers.notes[type] as (body: unknown) => void | Promise<void>)(body);
  }

  private load(): Promise<LoadResult> {
    this.loaded ??= readProfile(this.uri, readLimitsFor(this.hooks.settings().maxProfileSizeMB));
    return this.loaded;
  }

  /** A page said it is ready (the first, or a reload): it gets the profile, or why there is none. */
  private async showProfile(page: string): Promise<void> {
    // A page that (re)loads has drawn nothing yet: whoever waits for a state (nextState) waits
    // for the new page's.
    this.lastState = undefined;
    const result = await this.load();
    const fileName = path.basename(this.uri.fsPath);
    if ('error' in result) {
      if (this.channel.pageId === page) this.note('failed', { fileName, message: result.error });
      return;
    }
    const defaults = { hideLibraryFrames: this.hooks.settings().hideLibraryFrames };
    const resolving = this.resolveDefinitionLines();
    const inTime = await withTimeout(resolving, DEFINITION_LINES_WAIT_MS).catch(() => undefined);
    // The page went away or loaded again meanwhile: the next page's ready shows it.
    if (this.disposed || this.channel.pageId !== page) return;
    const endpoint = await this.endpointContext();
    if (this.disposed || this.channel.pageId !== page) return;
    this.endpoint = endpoint;
    this.endpointTold = true;
    this.note('show', {
      fileName,
      profile: result.profile,
      defaults,
      savedState: this.hooks.states.get(this.uri),
      definitionLines: inTime ?? [],
      ...(endpoint ? { endpoint } : {}),
    });
    if (this.panel.active) this.hooks.onActive(this);
    if (!inTime) void resolving.then((lines) => this.noteLateDefinitionLines(lines));
  }

  /**
   * The Profiles panel's list changed: if what the header was told of the request's endpoint no
   * longer holds (it became slower than usual, or stopped being), the page is told the new word.
   */
  async refreshEndpoint(): Promise<void> {
    // Before the first `show` there is nothing to refresh: `show` carries the context of its moment.
    if (this.disposed || !this.endpointTold) return;
    const endpoint = await this.endpointContext();
    if (this.disposed || sameEndpoint(endpoint, this.endpoint)) return;
    this.endpoint = endpoint;
    this.note('endpoint', endpoint ? { endpoint } : {});
  }

  /** The request among its endpoint's: none for an aggregate (it is the endpoint's) or a file not on disk. */
  private async endpointContext(): Promise<EndpointContext | undefined> {
    if (this.uri.scheme !== 'file' || !this.hooks.endpointContext) return undefined;
    const document = await this.document();
    if (!document || document.aggregate) return undefined;
    return this.hooks.endpointContext(this.uri.fsPath);
  }

  /** What the host does with each note of the page, once the page's checks (PAGE_CHECKS) passed. */
  private pageHandlers(): PageHandlers {
    return {
      notes: {
        viewState: ({ state }) => {
          this.lastState = state;
          for (const waiter of [...this.stateWaiters]) waiter(state);
          this.hooks.onStateChange(this);
        },
        saveState: ({ state }) => this.hooks.states.set(this.uri, state),
        openFunction: ({ function: fn }) => this.openSource(fn),
        openRaw: async () => {
          // As "Reopen Editor With… Text Editor" does: the text editor takes this tab's place,
          // rather than a second tab of the same name beside it.
          await vscode.commands.executeCommand('vscode.openWith', this.uri, 'default', this.panel.viewColumn);
          this.panel.dispose();
        },
        compareWithAggregate: async () => {
          await vscode.commands.executeCommand(COMMAND.compareWithAggregate, this.uri);
        },
        error: ({ message, detail }) => {
          this.pageErrors.push(message);
          this.hooks.log?.error(`profile view of ${this.uri.fsPath}: ${message}${detail !== undefined ? `\n${detail}` : ''}`);
          void vscode.window.showErrorMessage(`Request Profiler: ${message}`);
        },
      },
      asks: {},
    } satisfies ChannelHandlers<ProfileViewProtocol['page']>;
  }

  /**
   * Opens a function's source from its index in the host's own copy of the profile: the file and
   * line come from the profile the host read, never from the page.
   */
  private async openSource(fn: number): Promise<void> {
    const document = await this.document();
    const info = document?.profile.functions[fn];
    if (!document || !info) {
      this.hooks.log?.warn(`profile view of ${this.uri.fsPath}: go-to-source of function ${fn} refused: the profile has no such function`);
      return;
    }
    await openFunctionSource({ file: info.file, line: info.line, name: info.qualname || info.name }, document, this.hooks.settings());
  }

  private pageGone(): void {
    this.channel.pageGone();
    this.lastState = undefined;
  }

  /** Lines found after `show`: to the page (or the next one, should it have gone meanwhile). */
  private noteLateDefinitionLines(lines: DefinitionLines): void {
    if (!lines.length || this.disposed) return;
    this.note('definitionLines', { lines });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.channel.dispose();
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

/** The same word on a request's endpoint (the contexts are small plain data). */
function sameEndpoint(x: EndpointContext | undefined, y: EndpointContext | undefined): boolean {
  return JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
}
