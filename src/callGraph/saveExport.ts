/**
 * Saves a call graph the page exported (DOT or SVG text): asks where, beside the profile by
 * default, writes the file and says so. Tests pass the target and skip the dialog.
 */
import * as vscode from 'vscode';
import type { ExportFormat } from './protocol';

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  dot: { 'Graphviz DOT': ['dot', 'gv'] },
  svg: { 'SVG image': ['svg'] },
};

export interface ExportedGraph {
  format: ExportFormat;
  text: string;
  suggestedName: string;
}

/**
 * Writes the export and returns where, or undefined when the user cancelled the dialog.
 * @param target where to write without asking (tests, or a caller that already asked).
 */
export async function saveExportedGraph(graph: ExportedGraph, profileUri: vscode.Uri, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const destination =
    target ??
    (await vscode.window.showSaveDialog({
      title: `Save the call graph as ${graph.format.toUpperCase()}`,
      defaultUri: vscode.Uri.joinPath(profileUri, '..', safeFileName(graph.suggestedName, graph.format)),
      filters: FILTERS[graph.format],
      saveLabel: 'Save Call Graph',
    }));
  if (!destination) return undefined;
  await vscode.workspace.fs.writeFile(destination, new TextEncoder().encode(graph.text));
  if (!target) {
    void vscode.window.showInformationMessage(`Saved the call graph as ${destination.fsPath || destination.toString()}.`, 'Open').then((choice) => {
      if (choice) void vscode.commands.executeCommand('vscode.open', destination);
    });
  }
  return destination;
}

/** The page suggests a name from the request's title; keep it to one plain path segment. */
function safeFileName(suggested: string, format: ExportFormat): string {
  const base = suggested
    // eslint-disable-next-line no-control-regex -- control characters are what this removes from a file name
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')
    .replace(/^\.+/, '')
    .trim();
  if (!base) return `call-graph.${format}`;
  return base.toLowerCase().endsWith(`.${format}`) ? base : `${base}.${format}`;
}
