/**
 * The "Set Up Request Profiling…" command: detect the framework, then one of
 *   launch   a launch configuration and a task that run the app through the wrapper,
 *   install  pip install the bundled package into the selected interpreter (trusted only),
 *   snippet  show the lines that turn the middleware on, and insert them on request;
 * launch and snippet also ask for the engine (cProfile or sampling, with what each costs).
 * Every question can be answered in advance (SetUpAnswers), which is how the extension-host
 * tests run the real command without any UI; unanswered questions are asked.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  describeApp,
  detectFrameworks,
  FRAMEWORK_LABELS,
  FRAMEWORKS,
  type AppTarget,
  type Framework,
  type FrameworkCandidate,
} from '../core/frameworkDetection';
import { readSettings } from '../host/settings';
import { COMMAND } from '../contributions';
import { bundledPythonDir, registerBundledPythonPathCommand } from './bundledPython';
import { insertSnippet } from './insertSnippet';
import { installArguments, installBundledPackage } from './installPackage';
import { ENGINE_CHOICES, type Engine } from './engines';
import { debugType, hasPythonExtension, selectedInterpreter, SELECTED_INTERPRETER_VARIABLE } from './pythonInterpreter';
import { BUNDLED_PYTHON_PATH_VARIABLE, configurationName, type RunPlan } from './runConfigurations';
import { snippetFile, snippetFor, type SnippetPlan } from './snippets';
import { formatCommandLine, splitCommandLine, usualCommand } from './usualCommand';
import { readWorkspaceFiles } from './workspaceScan';
import { writeRunConfigurations } from './writeRunConfigurations';

export type SetUpAction = 'launch' | 'install' | 'snippet';

/** Answers given in advance; each one skips its question. */
export interface SetUpAnswers {
  /** The project folder (a workspace folder, or in tests a folder inside one). */
  folder?: vscode.Uri;
  framework?: Framework;
  /** Which detected app: as describeApp names it ("app:app", "production.ini") or by its file ("shop/app.py"); the best one when absent. */
  app?: string;
  action?: SetUpAction;
  /** The usual command line (launch), e.g. "flask --app app run --port 5001". */
  command?: string;
  /** Interpreter for the task and for pip (instead of the selected one). */
  interpreter?: string;
  /** Snippet: true inserts without asking, false only shows. */
  insert?: boolean;
  /** The middleware's engine (launch and snippet). */
  engine?: Engine;
}

export interface SetUpResult {
  action: SetUpAction;
  candidate: FrameworkCandidate;
  /** launch: the plan written and the files. */
  plan?: RunPlan;
  written?: { launch: vscode.Uri; task: vscode.Uri; replaced: boolean };
  /** install: pip's exit code. */
  exitCode?: number;
  /** snippet: what was (or would be) inserted, and whether it was. */
  snippet?: SnippetPlan;
  inserted?: boolean;
}

/** Why a question was not answered: the user closed the picker. */
class Cancelled extends Error {}

function ask<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
}

const UNTRUSTED_INSTALL = 'Installing into an interpreter is not offered: this workspace is not trusted, and pip would run its Python.';

// ---------------------------------------------------------------------------------------------
// Questions

async function chooseFolder(answers: SetUpAnswers): Promise<vscode.Uri> {
  if (answers.folder) return answers.folder;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) throw new Error('Open the folder of your Python web app first.');
  if (folders.length === 1) return folders[0].uri;
  return ask(await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder holds the app to profile?' }))?.uri;
}

function candidateItem(candidate: FrameworkCandidate): vscode.QuickPickItem & { candidate: FrameworkCandidate } {
  const evidence = candidate.evidence.slice(0, 3).map((e) => `${e.file}${e.line !== undefined ? `:${e.line + 1}` : ''} ${e.what}`);
  return {
    label: FRAMEWORK_LABELS[candidate.framework],
    description: [describeApp(candidate) ?? 'app not found', `${candidate.confidence} confidence`].join(' · '),
    detail: evidence.join('   '),
    candidate,
  };
}

async function chooseCandidate(candidates: FrameworkCandidate[], answers: SetUpAnswers): Promise<FrameworkCandidate> {
  if (answers.framework) {
    const matching = candidates.filter((c) => c.framework === answers.framework);
    const chosen = answers.app ? matching.find((c) => describeApp(c) === answers.app || c.app?.file === answers.app) : matching[0];
    if (answers.app && !chosen) throw new Error(`No ${FRAMEWORK_LABELS[answers.framework]} app named ${answers.app} was found.`);
    return chosen ?? manualCandidate(answers.framework);
  }
  const manual = { label: '$(list-selection) Choose the framework yourself…', candidate: undefined };
  const items = [...candidates.map(candidateItem), { label: '', kind: vscode.QuickPickItemKind.Separator, candidate: undefined }, manual];
  const picked = ask(
    await vscode.window.showQuickPick(items, {
      title: 'Set Up Request Profiling',
      placeHolder: candidates.length ? 'Which app should be profiled?' : 'No Flask, Django, FastAPI, Starlette or Pyramid app was found',
      matchOnDescription: true,
      matchOnDetail: true,
    }),
  );
  if (picked.candidate) return picked.candidate;
  const framework = ask(
    await vscode.window.showQuickPick(
      FRAMEWORKS.map((f) => ({ label: FRAMEWORK_LABELS[f], framework: f })),
      {
        title: 'Set Up Request Profiling',
        placeHolder: 'Framework of the app',
      },
    ),
  ).framework;
  return manualCandidate(framework);
}

function manualCandidate(framework: Framework): FrameworkCandidate {
  return { framework, confidence: 'low', score: 0, evidence: [{ file: '', what: 'chosen by hand' }] };
}

async function chooseAction(candidate: FrameworkCandidate, answers: SetUpAnswers): Promise<SetUpAction> {
  const trusted = vscode.workspace.isTrusted;
  if (answers.action) {
    if (answers.action === 'install' && !trusted) throw new Error(UNTRUSTED_INSTALL);
    return answers.action;
  }
  type Item = vscode.QuickPickItem & { action?: SetUpAction };
  const items: Item[] = [
    {
      label: '$(debug-alt) Add a launch configuration and a task',
      detail: `Runs ${formatCommandLine(usualCommand(candidate))} through the bundled wrapper: no code change, nothing installed.`,
      action: 'launch',
    },
  ];
  if (trusted) {
    items.push({
      label: '$(package) Install the middleware into the selected interpreter',
      detail: 'python -m pip install <the bundled package>, in a terminal.',
      action: 'install',
    });
  }
  items.push({
    label: '$(code) Show the lines to add to the app',
    detail: 'See them first; insert them with one click (undo takes them back).',
    action: 'snippet',
  });
  if (!trusted) items.push({ label: UNTRUSTED_INSTALL, kind: vscode.QuickPickItemKind.Separator });
  return ask(
    ask(
      await vscode.window.showQuickPick(items, {
        title: `Set Up Request Profiling: ${FRAMEWORK_LABELS[candidate.framework]}`,
        placeHolder: 'How should requests be profiled?',
      }),
    ).action,
  );
}

/** cProfile or sampling, each with what it gives and what it costs (launch and snippet only: install writes no option). */
async function chooseEngine(candidate: FrameworkCandidate, answers: SetUpAnswers): Promise<Engine> {
  if (answers.engine) return answers.engine;
  return ask(
    await vscode.window.showQuickPick(
      ENGINE_CHOICES.map((choice) => ({ ...choice })),
      {
        title: `Set Up Request Profiling: ${FRAMEWORK_LABELS[candidate.framework]}`,
        placeHolder: 'Which engine should profile the requests?',
        matchOnDescription: true,
      },
    ),
  ).engine;
}

async function chooseCommandLine(candidate: FrameworkCandidate, answers: SetUpAnswers): Promise<string[]> {
  const line =
    answers.command ??
    ask(
      await vscode.window.showInputBox({
        title: 'The command that starts the app',
        prompt: 'As you would type it in the app\'s folder; it runs after "python -m request_profiler run --".',
        value: formatCommandLine(usualCommand(candidate)),
        validateInput: (value) => {
          try {
            return splitCommandLine(value).length ? undefined : 'Type the command that starts the app.';
          } catch (error) {
            return `Cannot read this command line: ${(error as Error).message}.`;
          }
        },
      }),
    );
  return splitCommandLine(line);
}

// ---------------------------------------------------------------------------------------------
// Where profiles go

/** The profile directory as `${workspaceFolder}/…` when it is inside the folder, else absolute. */
function profileDirectoryOf(folder: vscode.Uri): { absolute: string; relative?: string } {
  const { settings } = readSettings();
  const inside = settings.profileDirectories.find(
    (dir) => !path.relative(folder.fsPath, dir).startsWith('..') && !path.isAbsolute(path.relative(folder.fsPath, dir)),
  );
  const absolute = inside ?? settings.profileDirectories[0] ?? path.join(folder.fsPath, '.profiles');
  const relative = inside ? path.relative(folder.fsPath, inside).split(path.sep).join('/') : undefined;
  return { absolute, relative };
}

/** The same directory seen from `dir` (relative to the folder): what a profile_dir= in the app's code says. */
function profileDirectoryFrom(dir: string, profileDir: { absolute: string; relative?: string }): string {
  if (profileDir.relative === undefined) return profileDir.absolute;
  return path.posix.relative(dir || '.', profileDir.relative || '.') || '.';
}

// ---------------------------------------------------------------------------------------------
// The three actions

async function setUpLaunch(folder: vscode.Uri, candidate: FrameworkCandidate, answers: SetUpAnswers): Promise<SetUpResult> {
  const engine = await chooseEngine(candidate, answers);
  const command = await chooseCommandLine(candidate, answers);
  const profileDir = profileDirectoryOf(folder);
  const plan: RunPlan = {
    framework: candidate.framework,
    appName: describeApp(candidate) ?? command.join(' '),
    root: candidate.app?.root ?? '',
    command,
    profileDir: profileDir.relative !== undefined ? `\${workspaceFolder}/${profileDir.relative}` : profileDir.absolute,
    interpreter: answers.interpreter ?? (hasPythonExtension() ? SELECTED_INTERPRETER_VARIABLE : (await selectedInterpreter(folder)).command),
    bundledPath: BUNDLED_PYTHON_PATH_VARIABLE,
    debugType: debugType(),
    engine,
  };
  const { launch, task } = await writeRunConfigurations(folder, plan);
  const name = configurationName(plan);
  void vscode.window
    .showInformationMessage(
      `${launch.replaced ? 'Updated' : 'Added'} "${name}" in .vscode/launch.json (Run and Debug) and .vscode/tasks.json (Run Task). ` +
        `They find the bundled package through \${command:requestProfiler.bundledPythonPath}, so they keep working when the extension updates.`,
      'Open launch.json',
      'Open tasks.json',
    )
    .then(async (choice) => {
      if (choice) await vscode.window.showTextDocument(choice === 'Open launch.json' ? launch.file : task.file);
    });
  return { action: 'launch', candidate, plan, written: { launch: launch.file, task: task.file, replaced: launch.replaced } };
}

async function setUpInstall(folder: vscode.Uri, candidate: FrameworkCandidate, answers: SetUpAnswers, extensionUri: vscode.Uri): Promise<SetUpResult> {
  const interpreter = answers.interpreter ?? (await selectedInterpreter(folder)).command;
  const bundled = bundledPythonDir(extensionUri);
  const exitCode = await installBundledPackage(vscode.workspace.getWorkspaceFolder(folder), interpreter, bundled);
  const command = formatCommandLine([interpreter, ...installArguments(bundled)]);
  if (exitCode === 0) {
    void vscode.window
      .showInformationMessage(`Installed request-profiler into ${interpreter}. Now add the middleware to the app:`, 'Show the Lines')
      .then((choice) => {
        if (choice)
          void vscode.commands.executeCommand(COMMAND.setUp, {
            folder,
            framework: candidate.framework,
            app: describeApp(candidate),
            action: 'snippet',
          } satisfies SetUpAnswers);
      });
  } else {
    void vscode.window.showErrorMessage(
      `${command} failed${exitCode === undefined ? '' : ` (exit code ${exitCode})`}; pip's output is in the terminal. Offline, pip needs --no-build-isolation and setuptools 61 or later in that interpreter.`,
    );
  }
  return { action: 'install', candidate, exitCode };
}

/** The app's file for the snippet: detected, or picked by the user for a framework chosen by hand. */
async function snippetTarget(folder: vscode.Uri, candidate: FrameworkCandidate): Promise<{ app: AppTarget; file: string }> {
  if (candidate.app) {
    const file = snippetFile(candidate.framework, candidate.app);
    if (file) return { app: candidate.app, file };
  }
  const picked = ask(
    await vscode.window.showOpenDialog({
      defaultUri: folder,
      canSelectMany: false,
      openLabel: 'Add the Middleware Here',
      title:
        candidate.framework === 'django'
          ? "The project's wsgi.py"
          : candidate.framework === 'pyramid'
            ? 'The .ini file (or the Python file that makes the app)'
            : 'The file that creates the app',
      filters: candidate.framework === 'pyramid' ? { 'PasteDeploy or Python': ['ini', 'py'] } : { Python: ['py'] },
    }),
  )[0];
  const file = path.relative(folder.fsPath, picked.fsPath).split(path.sep).join('/');
  const root =
    candidate.framework === 'django' ? path.posix.dirname(path.posix.dirname(file)).replace(/^\.$/, '') : path.posix.dirname(file).replace(/^\.$/, '');
  return { app: { root, file, wsgiFile: file }, file };
}

async function setUpSnippet(folder: vscode.Uri, candidate: FrameworkCandidate, answers: SetUpAnswers): Promise<SetUpResult> {
  const engine = await chooseEngine(candidate, answers);
  const { app, file } = await snippetTarget(folder, candidate);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, file));
  const profileDir = profileDirectoryOf(folder);
  const iniDir = path.posix.dirname(file).replace(/^\.$/, '');
  const iniProfileDir = profileDir.relative !== undefined ? `%(here)s/${profileDirectoryFrom(iniDir, profileDir)}` : profileDir.absolute;
  const result = snippetFor(candidate.framework, file, document.getText(), profileDirectoryFrom(app.root, profileDir), iniProfileDir, engine);
  if ('problem' in result) {
    void vscode.window.showWarningMessage(`Nothing was added: ${result.problem}`);
    return { action: 'snippet', candidate, inserted: false };
  }
  const needsImport = app.file.endsWith('.ini')
    ? ''
    : '\n\nThe app must be able to import request_profiler: install it into its interpreter (this command offers that), or put the bundled package on PYTHONPATH.';
  let insert = answers.insert;
  if (insert === undefined) {
    const choice = await vscode.window.showInformationMessage(
      `Add these lines to ${file}?`,
      { modal: true, detail: `${result.shown}${result.note ? `\n\n${result.note}` : ''}${needsImport}` },
      'Insert',
      'Copy to Clipboard',
    );
    if (choice === 'Copy to Clipboard') await vscode.env.clipboard.writeText(result.added);
    insert = choice === 'Insert';
  }
  const inserted = insert ? await insertSnippet(document, result) : false;
  if (inserted && result.note) void vscode.window.showInformationMessage(result.note);
  return { action: 'snippet', candidate, snippet: result, inserted };
}

// ---------------------------------------------------------------------------------------------

/** The whole command; the entry the tests call with every answer given. */
export async function setUpRequestProfiling(extensionUri: vscode.Uri, answers: SetUpAnswers = {}): Promise<SetUpResult | undefined> {
  try {
    const folder = await chooseFolder(answers);
    const candidates = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Looking for a Python web app…' }, async () =>
      detectFrameworks(await readWorkspaceFiles(folder)),
    );
    const candidate = await chooseCandidate(candidates, answers);
    const action = await chooseAction(candidate, answers);
    if (action === 'launch') return await setUpLaunch(folder, candidate, answers);
    if (action === 'install') return await setUpInstall(folder, candidate, answers, extensionUri);
    return await setUpSnippet(folder, candidate, answers);
  } catch (error) {
    if (error instanceof Cancelled) return undefined;
    // Shown here rather than thrown: VS Code would add a second, vaguer notification.
    void vscode.window.showErrorMessage(`Set Up Request Profiling: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

export function registerSetUpCommands(context: vscode.ExtensionContext): vscode.Disposable[] {
  return [
    registerBundledPythonPathCommand(context.extensionUri),
    vscode.commands.registerCommand(COMMAND.setUp, (answers?: SetUpAnswers) =>
      setUpRequestProfiling(context.extensionUri, answers && typeof answers === 'object' && !(answers instanceof vscode.Uri) ? answers : {}),
    ),
    // The set-up guide is the README's: the same text users read on the marketplace.
    vscode.commands.registerCommand(COMMAND.openReadme, async () => {
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, 'README.md'));
    }),
  ];
}
