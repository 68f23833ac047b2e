/**
 * The diff view of two profiles in a webview panel (the page is webview/compareView/), and the
 * set of open ones: one panel per pair, reused when asked again, reopened by VS Code after a
 * reload of the window from the two files' URIs the page saved (ComparePageState), both read
 * and checked again; a file that is gone or unreadable is said in the panel.
 *
 * The host holds both documents and computes the comparison (src/core/compareProfiles.ts) in
 * the mode the page asks for; the page draws and sorts the table and reports which row was
 * activated, by the function's index in A or B, which the host turns into an editor.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { compareProfiles, type CompareMode, type ProfileComparison } from '../core/compareProfiles';
import { compareProfileTrees, type TreeComparison } from '../core/compareTrees';
import { HostChannel, type ChannelHandlers } from '../core/webviewChannel';
import { openFunctionSource } from '../host/openSource';
import type { Settings } from '../host/settings';
import { webviewTransport } from '../host/webviewTransport';
import { COMPARE_VIEW_TYPE } from '../contributions';
import { compareUnavailableHtml } from './compareHtml';
import { compareTitle, requestName } from './compareTitle';
import { comparePageChecks } from './pageChecks';
import type { ComparedSide, ComparePageNote, ComparePageState, CompareProtocol, CompareRendered } from './protocol';
import { readForCompare, type ComparedFile } from './readCompared';
import { bundledPageFor, createPagePanel, pageWebviewOptions } from '../host/webviewPanel';
import { readLimitsFor, type ReadLimits } from '../node/readLimits';
import { meanAveraged, perRequestMean } from '../core/aggregateMean';
import { loggedAndHeard } from '../host/pageNoteHandlers';

export type { ComparedFile } from './readCompared';

export interface CompareServices {
  extensionUri: vscode.Uri;
  settings(): Settings;
  log: vscode.LogOutputChannel;
}

export interface CompareMessageEvent {
  panel: ComparePanel;
  message: ComparePageNote;
}

type PageHandlers = ChannelHandlers<CompareProtocol['page']>;

function sideOf(file: ComparedFile): ComparedSide {
  const { header } = file.document;
  return { name: requestName(header), start: header.start, wallMs: header.wallMs, source: comparedSource(file) };
}

/**
 * Where the page's saved state says a side came from: its file's URI, and for an aggregate's
 * per-request mean (Compare with Endpoint Aggregate; the file holds the sums) a fragment
 * "mean:<what was averaged>", so that a reopened view divides again.
 */
export function comparedSource({ uri, document }: ComparedFile): string {
  if (!document.aggregate?.mean) return uri.toString();
  const averaged = meanAveraged(document) ?? '';
  return uri.with({ fragment: `${MEAN_FRAGMENT}${averaged}` }).toString();
}

const MEAN_FRAGMENT = 'mean:';
/** What a saved mean's fragment may say was averaged ("5 other requests"): anything else is not shown. */
const AVERAGED = /^\d+ (other )?requests?$/;

/** A side as its saved source names it: the file, read again, and divided again if it was a mean. */
async function reopenSide(source: vscode.Uri, limits: ReadLimits): Promise<ComparedFile> {
  if (!source.fragment.startsWith(MEAN_FRAGMENT)) return readForCompare(source, limits);
  const file = await readForCompare(source.with({ fragment: '' }), limits);
  if (!file.document.aggregate) throw new Error(`${path.basename(file.uri.fsPath)} is no longer an aggregate profile`);
  const averaged = source.fragment.slice(MEAN_FRAGMENT.length);
  return { uri: file.uri, document: perRequestMean(file.document, AVERAGED.test(averaged) ? averaged : undefined) };
}

export class ComparePanel {
  /** The mode the page shows (it asks with `setMode` on each load). */
  mode: CompareMode = 'absolute';
  /** The comparison last sent to the page; undefined until the page asked for one. */
  comparison: ProfileComparison | undefined;
  /** What the loaded page drew last; undefined while the page (re)loads. */
  lastRendered: CompareRendered | undefined;
  /** What the page reported as failed, oldest first (tests read it; the user saw each). */
  readonly pageErrors: string[] = [];
  readonly comparisonId: string;
  private readonly computed = new Map<CompareMode, ProfileComparison>();
  private treeComparison: TreeComparison | undefined;
  private readonly channel: HostChannel<CompareProtocol>;
  private readonly handlers = this.pageHandlers();
  private readonly checks = comparePageChecks(() =>
    this.comparison
      ? { id: this.comparisonId, functionsA: this.a.document.profile.functions.length, functionsB: this.b.document.profile.functions.length }
      : undefined,
  );
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly a: ComparedFile,
    readonly b: ComparedFile,
    private readonly owner: ComparePanels,
    private readonly services: CompareServices,
  ) {
    this.comparisonId = `${a.document.header.id}..${b.document.header.id}`;
    panel.webview.options = pageWebviewOptions(services.extensionUri);
    this.channel = new HostChannel<CompareProtocol>(webviewTransport(panel.webview), this.handlers, this.checks, () => this.onPageReady(), {
      report: (problem) => services.log.warn(`comparison ${this.panel.title}: ${problem}`),
    });
    panel.onDidDispose(() => this.dispose());
    panel.webview.html = bundledPageFor(panel.webview, services.extensionUri, { bundle: 'compareView', title: 'Compare profiles', loading: 'Comparing…' });
  }

  get title(): string {
    return compareTitle(this.a.document.header, this.b.document.header);
  }

  /** The two call trees node by node (the same in both modes), computed once. */
  get tree(): TreeComparison {
    if (!this.treeComparison) {
      const side = (file: ComparedFile) => ({ profile: file.document.profile, paths: file.document.paths });
      this.treeComparison = compareProfileTrees(side(this.a), side(this.b));
    }
    return this.treeComparison;
  }

  /** The comparison in a mode, computed once per mode. */
  comparisonIn(mode: CompareMode): ProfileComparison {
    let comparison = this.computed.get(mode);
    if (!comparison) {
      const side = (file: ComparedFile) => ({ profile: file.document.profile, paths: file.document.paths });
      const averaged = meanAveraged(this.a.document);
      comparison = compareProfiles(side(this.a), side(this.b), mode, averaged ? { baseline: `the mean of ${averaged}` } : {});
      this.computed.set(mode, comparison);
    }
    return comparison;
  }

  /**
   * Handles a note as if the page had sent it, through the same checks (the test hooks' way in).
   * A refused note is an error that says why.
   */
  async receive(note: ComparePageNote): Promise<void> {
    const { type, ...body } = note;
    const problem = this.checks.notes[type](body);
    if (problem !== undefined) throw new Error(`the comparison refused "${type}": ${problem}`);
    await (this.handlers.notes[type] as (body: unknown) => Promise<void>)(body);
  }

  /** Opens a function's source from its index in the host's own copy of A or B, beside the table. */
  async openSource(side: 'a' | 'b', fn: number): Promise<boolean> {
    const document = (side === 'a' ? this.a : this.b).document;
    const info = document.profile.functions[fn];
    if (!info) return false;
    return openFunctionSource({ file: info.file, line: info.line, name: info.qualname ?? info.name }, document, this.services.settings(), {
      viewColumn: vscode.ViewColumn.Beside,
    });
  }

  private pageHandlers(): PageHandlers {
    const handlers = {
      notes: {
        setMode: ({ mode }) => this.show(mode),
        rendered: (rendered) => {
          this.lastRendered = rendered;
        },
        openFunction: async ({ side, function: fn }) => void (await this.openSource(side, fn)),
        error: ({ message, detail }) => {
          this.services.log.error(`comparison ${this.title}: ${message}${detail ? `\n${detail}` : ''}`);
          this.pageErrors.push(message);
          void vscode.window.showErrorMessage(`Compare: ${message}`);
        },
      },
      asks: {},
    } satisfies PageHandlers;
    return { notes: this.shownAndHeard(handlers.notes), asks: handlers.asks };
  }

  /** Each note handler, its failure logged and shown with its reason, the test hooks told of it (src/host/pageNoteHandlers.ts). */
  private shownAndHeard(notes: PageHandlers['notes']): PageHandlers['notes'] {
    return loggedAndHeard<CompareProtocol['page']>(notes, {
      logLabel: 'comparison',
      userLabel: 'Compare',
      log: { error: (message) => this.services.log.error(message) }, // read when a handler fails: services is set after this runs
      heard: (type, body) => this.owner.fireMessage({ panel: this, message: { type, ...(body as object) } as ComparePageNote }),
    });
  }

  /** A page said it is ready (first load or reload): it asks for its mode next. */
  private onPageReady(): void {
    this.lastRendered = undefined;
  }

  private show(mode: CompareMode): void {
    this.mode = mode;
    const comparison = this.comparisonIn(mode);
    this.comparison = comparison;
    this.channel.note('show', {
      comparisonId: this.comparisonId,
      mode,
      a: sideOf(this.a),
      b: sideOf(this.b),
      totalA: comparison.totalA,
      totalB: comparison.totalB,
      difference: comparison.difference,
      summary: comparison.summary,
      rows: comparison.functions,
      tree: this.tree,
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.channel.dispose();
    this.owner.forget(this);
    this.panel.dispose();
  }
}

/** The open diff views, one per pair of profiles. */
export class ComparePanels implements vscode.Disposable, vscode.WebviewPanelSerializer<ComparePageState> {
  private readonly panels = new Map<string, ComparePanel>();
  private readonly messages = new vscode.EventEmitter<CompareMessageEvent>();
  /** Every message a page posted, after the host handled it (for tests and logs). */
  readonly onDidReceiveMessage = this.messages.event;

  constructor(private readonly services: CompareServices) {}

  /** The panel comparing these two files (in either order). */
  get(x: vscode.Uri, y: vscode.Uri): ComparePanel | undefined {
    return this.panels.get(pairKey(x, y));
  }

  /** Shows the comparison of a (the baseline) with b, reusing its panel if one is open. */
  show(a: ComparedFile, b: ComparedFile): ComparePanel {
    const open = this.get(a.uri, b.uri);
    if (open) {
      open.panel.reveal(open.panel.viewColumn);
      return open;
    }
    const panel = createPagePanel(this.services.extensionUri, COMPARE_VIEW_TYPE, compareTitle(a.document.header, b.document.header), vscode.ViewColumn.Active, {
      enableFindWidget: true,
    });
    const compare = new ComparePanel(panel, a, b, this, this.services);
    this.panels.set(pairKey(a.uri, b.uri), compare);
    return compare;
  }

  /**
   * VS Code reopens a diff view after a reload with the page's saved state: the two files are
   * read and checked again. Nothing is thrown: a state that names no files, or a file that is
   * gone or unreadable, leaves the panel saying so (and why), for the user to close.
   */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: ComparePageState | undefined): Promise<void> {
    const unavailable = (reasons: string[]) => {
      panel.title = 'Compare (not reopened)';
      panel.webview.html = compareUnavailableHtml(
        'This comparison could not be reopened',
        reasons,
        'Compare the requests again: select two rows of the Profiles panel, then Compare With….',
      );
      this.services.log.warn(`comparison not reopened: ${reasons.join('; ')}`);
    };
    const sources = [state?.a, state?.b];
    if (!sources.every((source): source is string => typeof source === 'string' && source.length > 0)) {
      unavailable(['It was closed before it showed which two profiles it compared.']);
      return;
    }
    let uris: vscode.Uri[];
    try {
      // Saved state is the page's: never trusted to be well formed.
      uris = sources.map((source) => vscode.Uri.parse(source, true));
    } catch (error) {
      unavailable([`Its saved profiles are not file URIs (${(error as Error).message}).`]);
      return;
    }
    const limits = readLimitsFor(this.services.settings().maxProfileSizeMB);
    const read = await Promise.allSettled(uris.map((uri) => reopenSide(uri, limits)));
    const failed = read.flatMap((result) => (result.status === 'rejected' ? [String((result.reason as Error)?.message ?? result.reason)] : []));
    if (failed.length > 0) {
      unavailable(failed);
      return;
    }
    const [a, b] = read.map((result) => (result as PromiseFulfilledResult<ComparedFile>).value);
    const open = this.get(a.uri, b.uri);
    if (open) {
      // Compared again while this one was being read: one view per pair.
      panel.dispose();
      return;
    }
    panel.title = compareTitle(a.document.header, b.document.header);
    this.panels.set(pairKey(a.uri, b.uri), new ComparePanel(panel, a, b, this, this.services));
  }

  fireMessage(event: CompareMessageEvent): void {
    this.messages.fire(event);
  }

  forget(compare: ComparePanel): void {
    const key = pairKey(compare.a.uri, compare.b.uri);
    if (this.panels.get(key) === compare) this.panels.delete(key);
  }

  dispose(): void {
    for (const compare of [...this.panels.values()]) compare.dispose();
    this.messages.dispose();
  }
}

function pairKey(x: vscode.Uri, y: vscode.Uri): string {
  return [x.toString(), y.toString()].sort().join('\n');
}
