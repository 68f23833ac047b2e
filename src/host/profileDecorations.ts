/**
 * File decorations for profile files (in the Profiles panel, and in the Explorer): failed
 * requests in the error colour, client errors and slow requests marked too.
 */
import * as vscode from 'vscode';
import { statusBadge, type BadgeTone } from '../core/statusBadge';
import type { ProfileLibrary } from '../node/profileLibrary';

const TONE_COLORS: Record<BadgeTone, string> = {
  error: 'list.errorForeground',
  warning: 'list.warningForeground',
  slow: 'charts.orange',
};

export class ProfileDecorationProvider implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<undefined>();
  readonly onDidChangeFileDecorations = this.emitter.event;

  constructor(
    private readonly library: ProfileLibrary,
    private slowRequestMs: number,
  ) {}

  setSlowRequestMs(value: number): void {
    this.slowRequestMs = value;
    this.emitter.fire(undefined);
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  dispose(): void {
    this.emitter.dispose();
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'file') return undefined;
    const entry = this.library.index.get(uri.fsPath);
    if (!entry) return undefined;
    const header = entry.header;
    if (!header) return new vscode.FileDecoration('?', 'Unreadable profile', new vscode.ThemeColor('list.warningForeground'));
    const badge = statusBadge(header, this.slowRequestMs);
    if (badge) return new vscode.FileDecoration(badge.badge, badge.tooltip, new vscode.ThemeColor(TONE_COLORS[badge.tone]));
    return undefined;
  }
}
