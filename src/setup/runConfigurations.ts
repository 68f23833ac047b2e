/**
 * The launch configuration and the task that run an app through the bundled wrapper,
 *   python -m request_profiler run --profile-dir DIR -- <the usual command>
 * with the bundled package put on PYTHONPATH, so nothing is installed into the user's
 * environment. Pure: the host decides the variable for the bundled path and the interpreter.
 */
import { FRAMEWORK_LABELS, type Framework } from '../core/frameworkDetection';
import { formatCommandLine } from './usualCommand';
import { COMMAND } from '../contributions';
import { ENGINE_VARIABLE, type Engine } from './engines';

/**
 * The `${command:...}` variable of the command that gives the bundled python/ directory. Written
 * into launch.json and tasks.json instead of the absolute path: the installed extension's folder
 * changes with every version, the variable follows it.
 */
export const BUNDLED_PYTHON_PATH_VARIABLE = `\${command:${COMMAND.bundledPythonPath}}`;

export interface RunPlan {
  framework: Framework;
  /** "app:app", "development.ini": names the configuration so that re-running set-up replaces it. */
  appName: string;
  /** The app's directory relative to the workspace folder ('' for the folder itself). */
  root: string;
  /** The usual command, as arguments. */
  command: string[];
  /** --profile-dir as written into the files, e.g. "${workspaceFolder}/.profiles". */
  profileDir: string;
  /** How the task starts Python: "${command:python.interpreterPath}", "/usr/bin/python3", "python3". */
  interpreter: string;
  /** Where the bundled package is, as written: normally BUNDLED_PYTHON_PATH_VARIABLE. */
  bundledPath: string;
  /** Debug adapter type: "debugpy" (current Python extension) or "python" (older ones). */
  debugType: 'debugpy' | 'python';
  /** The middleware's engine; absent means cProfile, its default (nothing is written for it). */
  engine?: Engine;
}

export function configurationName(plan: Pick<RunPlan, 'framework' | 'appName'>): string {
  return `Profile Requests: ${FRAMEWORK_LABELS[plan.framework]} ${plan.appName}`;
}

/** PYTHONPATH with the bundled package in front of whatever the user has, for POSIX (':') and Windows (';'). */
export function pythonPathValue(bundledPath: string, delimiter: ':' | ';'): string {
  return `${bundledPath}${delimiter}\${env:PYTHONPATH}`;
}

/**
 * The environment of the app's processes: the bundled package on PYTHONPATH, and for the sampling
 * engine REQUEST_PROFILER_ENGINE, which every middleware in the process tree reads (the app's own
 * too, as with the profile folder), where `--engine` would reach only the ones the wrapper adds.
 */
export function runEnvironment(plan: Pick<RunPlan, 'bundledPath' | 'engine'>, delimiter: ':' | ';'): Record<string, string> {
  return { PYTHONPATH: pythonPathValue(plan.bundledPath, delimiter), ...(plan.engine === 'sample' ? { [ENGINE_VARIABLE]: 'sample' } : {}) };
}

function cwdOf(root: string): string {
  return root ? `\${workspaceFolder}/${root}` : '${workspaceFolder}';
}

/** The wrapper's arguments after `-m request_profiler`. */
export function wrapperArguments(plan: Pick<RunPlan, 'profileDir' | 'command'>): string[] {
  return ['run', '--profile-dir', plan.profileDir, '--', ...plan.command];
}

/** A debugpy launch configuration: debugging and profiling at once (the debugger slows code too). */
export function launchConfiguration(plan: RunPlan): Record<string, unknown> {
  const configuration: Record<string, unknown> = {
    name: configurationName(plan),
    type: plan.debugType,
    request: 'launch',
    module: 'request_profiler',
    args: wrapperArguments(plan),
    cwd: cwdOf(plan.root),
    env: runEnvironment(plan, ':'),
    windows: { env: runEnvironment(plan, ';') },
    console: 'integratedTerminal',
    justMyCode: true,
  };
  // The Python debugger's framework switches: template debugging for Jinja and Django.
  if (plan.framework === 'flask') configuration.jinja = true;
  if (plan.framework === 'django') configuration.django = true;
  return configuration;
}

/** A shell task running the same command without the debugger (profiles closer to real speed). */
export function profileTask(plan: RunPlan): Record<string, unknown> {
  const options = (delimiter: ':' | ';') => ({ cwd: cwdOf(plan.root), env: runEnvironment(plan, delimiter) });
  return {
    label: configurationName(plan),
    detail: `${formatCommandLine(plan.command)} with every request ${plan.engine === 'sample' ? 'sampled' : 'profiled'} into ${plan.profileDir}`,
    type: 'shell',
    command: plan.interpreter,
    args: ['-m', 'request_profiler', ...wrapperArguments(plan)],
    options: options(':'),
    // A platform section replaces `options` whole, so it repeats cwd.
    windows: { options: options(';') },
    // A server never ends: nothing waits for it, and its output is not parsed for problems.
    isBackground: true,
    problemMatcher: [],
  };
}
