/**
 * Source hints: while a profile view is open, the `def` lines of the functions in its profile
 * show, at the end of the line, their total time and share of the request on a heat-tinted
 * background. End-of-line decorations rather than CodeLens, which inserts lines and shifts
 * the code (what users of vscode-js-profile-visualizer asked to avoid). The hints follow the
 * profile view last focused, and go away when it closes or `requestProfiler.showSourceHints`
 * is turned off.
 */
import * as vscode from 'vscode';
import { definitionLine } from '../core/definitionLine';
import { formatMs, formatPercent } from '../core/format';
import { heatCss } from '../core/heat';
import { sourceCandidates } from '../core/pathMapping';
import type { ProfileDocument } from '../core/profileFormat';
import { buildProfileModel, type ProfileModel } from '../core/profileModel';
import { SECTION, type Settings } from './settings';

export const SHOW_SOURCE_HINTS = 'showSourceHints';

/** One hint as drawn, reported for tests. */
export interface AppliedHint {
  /** 0-based line. */
  line: number;
  text: string;
  fn: number;
}

interface Shown {
  owner: object;
  document: ProfileDocument;
  model: ProfileModel;
}

/** Re-laying hints on every keystroke is wasted work: wait for a pause. */
const EDIT_DEBOUNCE_MS = 300;

export class SourceHints implements vscode.Disposable {
  private shown?: Shown;
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', fontStyle: 'italic', color: new vscode.ThemeColor('editorCodeLens.foreground') },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly disposables: vscode.Disposable[] = [];
  private readonly applied = new Map<string, AppliedHint[]>();
  private timer?: ReturnType<typeof setTimeout>;

  /** Why the shown profile's hints could not be drawn, if they could not (tests read it). */
  problem: string | undefined;

  constructor(
    private readonly settings: () => Settings,
    /** Where a profile whose hints cannot be drawn is logged, with the reason. */
    private readonly log?: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.decoration,
      vscode.window.onDidChangeVisibleTextEditors(() => this.render()),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (!this.shown || !vscode.window.visibleTextEditors.some((e) => e.document === event.document)) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.render(), EDIT_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) this.render();
      }),
    );
  }

  /**
   * Show the hints of this profile (replacing another view's). Never throws: a profile whose
   * data cannot be modelled shows no hints, and the reason is logged (its view says it too).
   */
  show(owner: object, document: ProfileDocument): void {
    if (this.shown?.owner === owner && this.shown.document === document) return;
    let model: ProfileModel;
    try {
      model = buildProfileModel(document.profile, document.paths);
    } catch (error) {
      this.shown = undefined;
      this.fail(`no source hints for ${document.header?.method} ${document.header?.path}: ${(error as Error).message}`);
      this.render();
      return;
    }
    this.shown = { owner, document, model };
    this.problem = undefined;
    this.render();
  }

  /** The owner's view closed: its hints go. */
  clear(owner: object): void {
    if (this.shown?.owner !== owner) return;
    this.shown = undefined;
    this.render();
  }

  /** The hints drawn in a document's editors (tests). */
  hintsIn(uri: vscode.Uri): AppliedHint[] {
    return this.applied.get(uri.toString()) ?? [];
  }

  private enabled(): boolean {
    return vscode.workspace.getConfiguration(SECTION).get<boolean>(SHOW_SOURCE_HINTS, true) !== false;
  }

  private fail(problem: string): void {
    this.problem = problem;
    this.log?.warn(`Source hints: ${problem}`);
  }

  /** Draws the hints in every visible editor; called from events, so it never throws. */
  private render(): void {
    this.applied.clear();
    const shown = this.enabled() ? this.shown : undefined;
    for (const editor of vscode.window.visibleTextEditors) {
      if (!shown || editor.document.uri.scheme !== 'file') {
        editor.setDecorations(this.decoration, []);
        continue;
      }
      let hints: AppliedHint[];
      try {
        hints = this.hintsFor(editor.document, shown);
      } catch (error) {
        this.fail(`no source hints in ${editor.document.uri.fsPath}: ${(error as Error).message}`);
        editor.setDecorations(this.decoration, []);
        continue;
      }
      this.applied.set(editor.document.uri.toString(), hints);
      editor.setDecorations(
        this.decoration,
        hints.map((hint) => {
          const end = editor.document.lineAt(hint.line).range.end;
          const fraction = shown.model.totalTime > 0 ? shown.model.functions[hint.fn].ct / shown.model.totalTime : 0;
          return {
            range: new vscode.Range(end, end),
            hoverMessage: `Request Profiler: ${shown.model.functions[hint.fn].displayName} took ${hint.text} of ${shown.document.header.method} ${shown.document.header.path} (cumulative time, all calls).`,
            renderOptions: { after: { contentText: hint.text, backgroundColor: heatCss(fraction, 0.25) } },
          };
        }),
      );
    }
  }

  /** The profile's functions defined in this document, one hint per line (the costliest). */
  private hintsFor(document: vscode.TextDocument, shown: Shown): AppliedHint[] {
    const local = document.uri.fsPath;
    const workspaceFolders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const lookup = { mappings: this.settings().pathMappings, workspaceFolders, serverCwd: shown.document.paths?.cwd, knownFiles: [local] };
    const matchesByFile = new Map<string, boolean>();
    const text = document.getText();
    const byLine = new Map<number, AppliedHint>();
    for (const fn of shown.model.functions) {
      if (!fn.hasSource || !(fn.line > 0)) continue;
      let matches = matchesByFile.get(fn.file);
      if (matches === undefined) {
        // A trailing-segment match with the open file is trusted only for the app's own code.
        const candidates = sourceCandidates(fn.file, lookup).candidates.filter((c) => c.reason !== 'segments' || fn.kind === 'app');
        matches = candidates.some((c) => samePath(c.path, local));
        matchesByFile.set(fn.file, matches);
      }
      if (!matches) continue;
      const line = definitionLine(text, fn.line) - 1;
      if (line >= document.lineCount) continue;
      const known = byLine.get(line);
      if (known && shown.model.functions[known.fn].ct >= fn.ct) continue;
      const fraction = shown.model.totalTime > 0 ? fn.ct / shown.model.totalTime : 0;
      byLine.set(line, { line, fn: fn.index, text: `${formatMs(fn.ct * 1000)} · ${formatPercent(fraction)}` });
    }
    return [...byLine.values()].sort((a, b) => a.line - b.line);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
  return process.platform === 'win32' ? norm(a).toLowerCase() === norm(b).toLowerCase() : norm(a) === norm(b);
}
