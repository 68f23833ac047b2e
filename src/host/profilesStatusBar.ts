/** The status-bar item: how many profiles there are and how long the newest request took. */
import * as vscode from 'vscode';
import { formatMs } from '../core/format';
import { profileTitle } from '../core/profileTitle';
import type { ProfileLibrary } from '../node/profileLibrary';
import { COMMAND } from '../contributions';

export class ProfilesStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('requestProfiler.status', vscode.StatusBarAlignment.Left, 50);

  constructor(private readonly library: ProfileLibrary) {
    this.item.name = 'Request Profiler';
    this.item.command = COMMAND.openNewestProfile;
    this.update();
  }

  update(): void {
    const newest = this.library.index.newest();
    const count = this.library.index.size;
    if (!count) {
      this.item.hide();
      return;
    }
    this.item.text = newest ? `$(flame) ${count} · ${formatMs(newest.header.wallMs)}` : `$(flame) ${count}`;
    this.item.tooltip = newest
      ? `${count} request profile${count === 1 ? '' : 's'}. Newest: ${profileTitle(newest.header, newest.file)} took ${formatMs(newest.header.wallMs)}. Click to open it.`
      : `${count} profile files, none readable.`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
