/**
 * File decorations for profile files (in the Profiles panel, and in the Explorer): failed
 * requests in the error colour, client errors and slow requests marked too.
 */
import * as vscode from 'vscode';
import { isFailure } from '../core/profileFilter';
import type { ProfileLibrary } from '../node/profileLibrary';

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
    if (isFailure(header)) return new vscode.FileDecoration('!', `Failed: ${header.error ?? header.status}`, new vscode.ThemeColor('list.errorForeground'));
    if ((header.status ?? 0) >= 400) return new vscode.FileDecoration(String(header.status).slice(0, 2), `Status ${header.status}`, new vscode.ThemeColor('list.warningForeground'));
    if (header.wallMs >= this.slowRequestMs) return new vscode.FileDecoration('S', `Slow: ≥ ${this.slowRequestMs} ms`, new vscode.ThemeColor('charts.orange'));
    return undefined;
  }
}
