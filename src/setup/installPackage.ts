/**
 * Installs the bundled package into an interpreter: `<python> -m pip install <bundled python dir>`,
 * run as a task so the user sees pip's output in a terminal, and so its exit code tells
 * whether it worked. Offered only in trusted workspaces (it runs the workspace's interpreter).
 */
import * as vscode from 'vscode';

export const INSTALL_TASK_TYPE = 'requestProfiler.install';

export function installArguments(bundledDir: string): string[] {
  return ['-m', 'pip', 'install', bundledDir];
}

/** Runs pip and resolves with its exit code (undefined when the task ended without one). */
export async function installBundledPackage(folder: vscode.WorkspaceFolder | undefined, interpreter: string, bundledDir: string): Promise<number | undefined> {
  if (!vscode.workspace.isTrusted) throw new Error('Installing runs Python from this workspace, which is not trusted.');
  const task = new vscode.Task(
    { type: INSTALL_TASK_TYPE },
    folder ?? vscode.TaskScope.Workspace,
    'Install request-profiler',
    'Request Profiler',
    new vscode.ProcessExecution(interpreter, installArguments(bundledDir)),
    [],
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  return new Promise<number | undefined>((resolve, reject) => {
    let execution: vscode.TaskExecution | undefined;
    const listener = vscode.tasks.onDidEndTaskProcess((event) => {
      if (event.execution !== execution && event.execution.task.definition.type !== INSTALL_TASK_TYPE) return;
      listener.dispose();
      resolve(event.exitCode);
    });
    vscode.tasks.executeTask(task).then(
      (started) => (execution = started),
      (error) => {
        listener.dispose();
        reject(error);
      },
    );
  });
}
