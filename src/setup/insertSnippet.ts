/**
 * Applies a SnippetPlan to the open document as one WorkspaceEdit (so a single undo takes it
 * back), leaves the file unsaved for the user to review, and shows the added lines.
 */
import * as vscode from 'vscode';
import type { SnippetPlan } from './snippets';

export async function insertSnippet(document: vscode.TextDocument, plan: SnippetPlan): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  const metadata: vscode.WorkspaceEditEntryMetadata = { label: 'Set up request profiling', needsConfirmation: false };
  const position = (line: number) => (line >= document.lineCount ? document.lineAt(document.lineCount - 1).range.end : new vscode.Position(line, 0));
  for (const change of plan.edits) {
    // Past the last line (a file without a final newline): start a new line first.
    const atEnd = change.line >= document.lineCount;
    const text = atEnd && document.lineAt(document.lineCount - 1).text !== '' ? `\n${change.text.replace(/\n$/, '')}` : change.text;
    edit.replace(document.uri, new vscode.Range(position(change.line), position(change.line + change.removeLines)), text, metadata);
  }
  if (!(await vscode.workspace.applyEdit(edit))) return false;
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  const last = plan.edits[plan.edits.length - 1];
  const shownLine = Math.min(
    last.line + plan.edits.slice(0, -1).reduce((n, e) => n + e.text.split('\n').length - 1 - e.removeLines, 0),
    document.lineCount - 1,
  );
  editor.revealRange(new vscode.Range(shownLine, 0, shownLine, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  editor.selection = new vscode.Selection(shownLine, 0, shownLine, 0);
  return true;
}
