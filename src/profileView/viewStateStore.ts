/**
 * Keeps each profile view's saved page state in the workspace's storage. The webview's own
 * state (getState/setState) lives only as long as its editor: with this copy, a profile closed
 * and opened again later comes back as the user left it (tab, expanded nodes, selection,
 * search), and a reload has two chances to restore it. The newest MAX_ENTRIES files are kept.
 */
import type * as vscode from 'vscode';

const KEY = 'requestProfiler.profileViewStates';
const MAX_ENTRIES = 50;

interface Entry {
  uri: string;
  state: unknown;
}

export class ViewStateStore {
  constructor(private readonly memento: vscode.Memento) {}

  get(uri: vscode.Uri): unknown {
    return this.entries().find((e) => e.uri === uri.toString())?.state;
  }

  async set(uri: vscode.Uri, state: unknown): Promise<void> {
    const key = uri.toString();
    const entries = [{ uri: key, state }, ...this.entries().filter((e) => e.uri !== key)].slice(0, MAX_ENTRIES);
    await this.memento.update(KEY, entries);
  }

  private entries(): Entry[] {
    const value = this.memento.get<unknown>(KEY);
    return Array.isArray(value) ? (value as Entry[]).filter((e) => e && typeof e.uri === 'string') : [];
  }
}
