/**
 * Writes the launch configuration and the task of a RunPlan into the folder's .vscode/launch.json
 * and .vscode/tasks.json, merged into what is there (comments and other entries kept; an entry
 * of the same name, from an earlier set-up, replaced). A file that cannot be parsed is left
 * alone and the error says which.
 */
import * as vscode from 'vscode';
import { JsoncSyntaxError, LAUNCH_JSON, TASKS_JSON, upsertNamedEntry, type JsoncTarget } from './jsoncUpsert';
import { launchConfiguration, profileTask, type RunPlan } from './runConfigurations';

export interface WrittenEntry {
  file: vscode.Uri;
  /** True when an entry of the same name was replaced. */
  replaced: boolean;
}

async function readIfExists(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}

async function upsertFile(file: vscode.Uri, target: JsoncTarget, entry: Record<string, unknown>): Promise<WrittenEntry> {
  // An editor with unsaved changes holds the newest text; merge into that and save it.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
  const existing = open ? open.getText() : await readIfExists(file);
  let result;
  try {
    result = upsertNamedEntry(existing, target, entry);
  } catch (error) {
    if (error instanceof JsoncSyntaxError) throw new Error(`${vscode.workspace.asRelativePath(file)} was left unchanged: ${error.message}.`);
    throw error;
  }
  if (open?.isDirty) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(file, new vscode.Range(open.positionAt(0), open.positionAt(existing!.length)), result.text);
    await vscode.workspace.applyEdit(edit);
    await open.save();
  } else {
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(result.text));
  }
  return { file, replaced: result.replaced };
}

export async function writeRunConfigurations(folder: vscode.Uri, plan: RunPlan): Promise<{ launch: WrittenEntry; task: WrittenEntry }> {
  const dotVscode = vscode.Uri.joinPath(folder, '.vscode');
  await vscode.workspace.fs.createDirectory(dotVscode);
  const launch = await upsertFile(vscode.Uri.joinPath(dotVscode, 'launch.json'), LAUNCH_JSON, launchConfiguration(plan));
  const task = await upsertFile(vscode.Uri.joinPath(dotVscode, 'tasks.json'), TASKS_JSON, profileTask(plan));
  return { launch, task };
}
