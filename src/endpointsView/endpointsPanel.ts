/**
 * The Endpoints overview in a webview panel (the page is webview/endpointsView/): one panel,
 * revealed when asked again. The host computes the overview from the profile library's index
 * (src/core/endpointOverview.ts: headers only, no profile is read), sends it on each page load
 * and again, at most every UPDATE_INTERVAL_MS, while profiles arrive or go. The page names a
 * request to open by the number the host gave it; the host opens that file in the profile view.
 */
import * as vscode from 'vscode';
import { buildEndpointsOverview, type EndpointsOverview } from '../core/endpointOverview';
import { isReadable, type ReadableEntry } from '../core/profileIndex';
import { Throttle } from '../core/throttle';
import { HostChannel, type ChannelHandlers } from '../core/webviewChannel';
import type { ProfileLibrary } from '../node/profileLibrary';
import { loggedAndHeard } from '../host/pageNoteHandlers';
import { bundledPageFor } from '../host/webviewPanel';
import { webviewTransport } from '../host/webviewTransport';
import { ENDPOINTS_VIEW_TYPE, PROFILE_VIEW_TYPE } from '../contributions';
import { endpointsPageChecks } from './pageChecks';
import type { EndpointsPageNote, EndpointsProtocol, EndpointsRendered } from './protocol';

/** Profiles often arrive in bursts (a load test writes hundreds a second): redraw at most this often. */
export const UPDATE_INTERVAL_MS = 1000;

export interface EndpointsServices {
  extensionUri: vscode.Uri;
  library: ProfileLibrary;
  log: vscode.LogOutputChannel;
  /** Told of every note the page sent, after the host handled it (the test hooks). */
  heard(panel: EndpointsPanel, note: EndpointsPageNote): void;
}

type PageHandlers = ChannelHandlers<EndpointsProtocol['page']>;

export class EndpointsPanel {
  /** The overview last sent to the page. */
  overview: EndpointsOverview | undefined;
  /** Its id: a request number is only taken with it. */
  overviewId = '';
  /** What the loaded page drew last; undefined while the page (re)loads. */
  lastRendered: EndpointsRendered | undefined;
  /** What the page reported as failed, oldest first (tests read it; the user saw each). */
  readonly pageErrors: string[] = [];
  private generation = 0;
  private selectNext: string | null;
  private readonly channel: HostChannel<EndpointsProtocol>;
  private readonly handlers = this.pageHandlers();
  private readonly checks = endpointsPageChecks(() => (this.overview ? { id: this.overviewId, requests: this.overview.files.length } : undefined));
  private readonly updates = new Throttle(UPDATE_INTERVAL_MS, () => this.update());
  private readonly stopListening: () => void;
  /** Profiles changed while the panel was hidden: its page, loaded again when shown, gets the overview then. */
  private stale = false;
  private isDisposed = false;
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: EndpointsServices,
    select: string | null,
  ) {
    this.selectNext = select;
    this.channel = new HostChannel<EndpointsProtocol>(webviewTransport(panel.webview), this.handlers, this.checks, () => this.onPageReady(), {
      report: (problem) => services.log.warn(`endpoints overview: ${problem}`),
    });
    this.stopListening = services.library.onDidChange(() => this.scheduleUpdate());
    panel.onDidDispose(() => this.dispose());
    panel.onDidChangeViewState(() => {
      if (this.panel.visible && this.stale) this.scheduleUpdate();
    });
    panel.webview.html = bundledPageFor(panel.webview, services.extensionUri, {
      bundle: 'endpointsView',
      title: 'Endpoints',
      loading: 'Reading the endpoints…',
    });
  }

  /** Selects an endpoint (by its group id) in the page, with the overview as it is now. */
  select(endpointId: string | null): void {
    this.selectNext = endpointId;
    this.updates.run();
  }

  /**
   * Handles a note as if the page had sent it, through the same checks (the test hooks' way in).
   * A refused note is an error that says why.
   */
  async receive(note: EndpointsPageNote): Promise<void> {
    const { type, ...body } = note;
    const problem = this.checks.notes[type](body);
    if (problem !== undefined) throw new Error(`the endpoints overview refused "${type}": ${problem}`);
    await (this.handlers.notes[type] as (body: unknown) => Promise<void>)(body);
  }

  /** Opens a request's profile, from its number in the overview the host sent, beside the overview. */
  async openRequest(request: number): Promise<boolean> {
    const file = this.overview?.files[request];
    if (file === undefined) return false;
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), PROFILE_VIEW_TYPE, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    return true;
  }

  private pageHandlers(): PageHandlers {
    const handlers = {
      notes: {
        rendered: (rendered) => {
          this.lastRendered = rendered;
        },
        openRequest: async ({ request }) => void (await this.openRequest(request)),
        error: ({ message, detail }) => {
          this.services.log.error(`endpoints overview: ${message}${detail ? `\n${detail}` : ''}`);
          this.pageErrors.push(message);
          void vscode.window.showErrorMessage(`Endpoints: ${message}`);
        },
      },
      asks: {},
    } satisfies PageHandlers;
    return {
      notes: loggedAndHeard<EndpointsProtocol['page']>(handlers.notes, {
        logLabel: 'endpoints overview',
        userLabel: 'Endpoints',
        log: { error: (message) => this.services.log.error(message) },
        heard: (type, body) => this.services.heard(this, { type, ...(body as object) } as EndpointsPageNote),
      }),
      asks: handlers.asks,
    };
  }

  /** A page said it is ready (first load or reload): it gets the overview as it is now. */
  private onPageReady(): void {
    this.lastRendered = undefined;
    this.updates.run();
  }

  /** At most one update per UPDATE_INTERVAL_MS: the first change at once, the others together after. */
  private scheduleUpdate(): void {
    if (!this.panel.visible) {
      // A hidden page is not drawn: computing and holding overviews for it would pile them up.
      this.stale = true;
      return;
    }
    this.updates.request();
  }

  private update(): void {
    if (this.isDisposed) return;
    this.stale = false;
    const readable: ReadableEntry[] = [];
    for (const entry of this.services.library.index.list()) {
      if (!isReadable(entry)) break; // unreadable files are sorted last
      readable.push(entry);
    }
    this.overview = buildEndpointsOverview(readable);
    this.overviewId = `overview-${++this.generation}`;
    const { endpoints, scale, requests } = this.overview;
    this.channel.note('show', {
      overviewId: this.overviewId,
      endpoints,
      scale,
      requests,
      select: this.selectNext,
      folders: this.services.library.directories,
    });
    this.selectNext = null;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.updates.cancel();
    this.stopListening();
    this.channel.dispose();
    this.disposed.fire();
    this.disposed.dispose();
    this.panel.dispose();
  }
}

/** Opens the overview, or reveals the open one; selects `select` (an endpoint's id) when given. */
export function showEndpointsPanel(open: EndpointsPanel | undefined, services: EndpointsServices, select: string | null): EndpointsPanel {
  if (open) {
    open.panel.reveal(open.panel.viewColumn);
    if (select !== null) open.select(select);
    return open;
  }
  const panel = vscode.window.createWebviewPanel(ENDPOINTS_VIEW_TYPE, 'Endpoints', vscode.ViewColumn.Active, {
    enableScripts: true,
    enableFindWidget: true,
    localResourceRoots: [vscode.Uri.joinPath(services.extensionUri, 'dist')],
  });
  return new EndpointsPanel(panel, services, select);
}
