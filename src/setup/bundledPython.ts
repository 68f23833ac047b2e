/**
 * The Python package shipped inside the extension (python/ in the .vsix), and the command that
 * names its folder so launch.json and tasks.json can say ${command:requestProfiler.bundledPythonPath}
 * instead of an absolute path that changes with every extension version.
 */
import * as vscode from 'vscode';
import { COMMAND } from '../contributions';

export function bundledPythonDir(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'python').fsPath;
}

export function registerBundledPythonPathCommand(extensionUri: vscode.Uri): vscode.Disposable {
  return vscode.commands.registerCommand(COMMAND.bundledPythonPath, () => bundledPythonDir(extensionUri));
}
