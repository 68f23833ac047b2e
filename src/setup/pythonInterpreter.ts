/**
 * The Python interpreter the user selected, from the Python extension's API when it is
 * installed (ms-python.python: environments.getActiveEnvironmentPath), else python3 on PATH.
 * Only the parts of that API used here are typed, so the extension is not a build dependency.
 */
import * as vscode from 'vscode';

const PYTHON_EXTENSION_ID = 'ms-python.python';
/** The variable a task or launch configuration uses for the selected interpreter. */
export const SELECTED_INTERPRETER_VARIABLE = '${command:python.interpreterPath}';

interface PythonEnvironmentsApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment(environment: { id: string; path: string } | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
}

export interface Interpreter {
  /** An executable path, or a command found on PATH. */
  command: string;
  /** Where it came from, for messages. */
  source: 'python extension' | 'PATH';
}

export function hasPythonExtension(): boolean {
  return vscode.extensions.getExtension(PYTHON_EXTENSION_ID) !== undefined;
}

/** "debugpy" unless only an older Python extension (which debugged as type "python") is there. */
export function debugType(): 'debugpy' | 'python' {
  return vscode.extensions.getExtension('ms-python.debugpy') || !hasPythonExtension() ? 'debugpy' : 'python';
}

export async function selectedInterpreter(folder: vscode.Uri): Promise<Interpreter> {
  const extension = vscode.extensions.getExtension<PythonEnvironmentsApi>(PYTHON_EXTENSION_ID);
  if (extension) {
    try {
      const api = extension.isActive ? extension.exports : await extension.activate();
      const active = api.environments?.getActiveEnvironmentPath(folder);
      if (active) {
        const resolved = await api.environments!.resolveEnvironment(active);
        const command = resolved?.executable.uri?.fsPath ?? active.path;
        if (command) return { command, source: 'python extension' };
      }
    } catch {
      // An API that changed shape or failed to start: PATH is still a reasonable answer.
    }
  }
  return { command: process.platform === 'win32' ? 'python' : 'python3', source: 'PATH' };
}
