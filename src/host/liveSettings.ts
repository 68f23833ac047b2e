/**
 * The extension's settings as they are now: read at activation, and again when they change or
 * the workspace folders do (relative profile folders are taken in every workspace folder). What
 * is wrong with them is logged and shown, with a button to the settings, at activation and when
 * the user changes them; not again when only the folders changed.
 */
import * as vscode from 'vscode';
import { readSettings, SECTION, type Settings } from './settings';

export class LiveSettings implements vscode.Disposable {
  private value: Settings;
  private readonly changed = new vscode.EventEmitter<Settings>();
  /** The settings were read again (after a change of them or of the workspace folders). */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly log: vscode.LogOutputChannel) {
    const { settings, problems } = readSettings();
    this.value = settings;
    this.report(problems);
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) this.read({ report: true });
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.read({ report: false })),
    ];
  }

  get current(): Settings {
    return this.value;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private read(options: { report: boolean }): void {
    const { settings, problems } = readSettings();
    this.value = settings;
    if (options.report) this.report(problems);
    this.changed.fire(settings);
  }

  private report(problems: string[]): void {
    for (const problem of problems) this.log.warn(problem);
    if (!problems.length) return;
    void vscode.window.showWarningMessage(`Request Profiler settings: ${problems.join(' ')}`, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
    });
  }
}
