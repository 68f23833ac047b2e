/**
 * The exact lines that turn the middleware on for one app, and where they go:
 *   Flask              after `app = Flask(...)`:   app.wsgi_app = ProfilerMiddleware(app.wsgi_app, ...)
 *   FastAPI/Starlette  after the app's creation:   app.add_middleware(ASGIProfilerMiddleware, ...)
 *   Django             in wsgi.py, after `application = get_wsgi_application()`
 *   Pyramid (.ini)     a [filter-app:profile] section after [app:main], or a filter at the
 *                      front of [pipeline:main]
 *   Pyramid (Python)   after `app = config.make_wsgi_app()`
 * plus the import, after the file's last top-level import above that point. Pure: it takes the
 * file's current text and returns line edits, so the host can show them and apply them as one
 * undoable WorkspaceEdit. Statements are found by regular expressions and bracket balance.
 */
import type { AppTarget, Framework } from '../core/frameworkDetection';
import type { Engine } from './engines';

/** Replace `removeLines` lines starting at 0-based `line` by `text` (which ends with a newline, or is empty). */
export interface LineEdit {
  line: number;
  removeLines: number;
  text: string;
}

export interface SnippetPlan {
  /** Workspace-relative file the edits apply to. */
  file: string;
  /** What to show the user: the added lines with the line they follow, as they will read in the file. */
  shown: string;
  /** Only the added lines (what "Copy" puts on the clipboard). */
  added: string;
  edits: LineEdit[];
  /** Anything else the user must know or do (e.g. how to serve a filter-app section). */
  note?: string;
}

export type SnippetResult = SnippetPlan | { problem: string };

/** The (workspace-relative) file a framework's lines go into, for the host to read. */
export function snippetFile(framework: Framework, app: AppTarget): string | undefined {
  if (framework === 'django') return app.wsgiFile;
  return app.file;
}

/** Index of the last line of the statement starting at `line`, by balancing (), [] and {} outside strings. */
export function statementEnd(lines: readonly string[], line: number): number {
  let depth = 0;
  for (let i = line; i < lines.length; i++) {
    const code = lines[i].replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""').replace(/#.*$/, '');
    for (const ch of code) {
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth--;
    }
    if (depth <= 0 && !/\\\s*$/.test(code)) return i;
  }
  return lines.length - 1;
}

/** The line after the last top-level import that comes before `before` (0 when there is none). */
export function importInsertionLine(lines: readonly string[], before: number): number {
  let after = 0;
  for (let i = 0; i < before; i++) {
    if (/^(?:import|from)\s+\S/.test(lines[i])) {
      i = statementEnd(lines, i);
      after = i + 1;
    }
  }
  return after;
}

function pythonString(value: string): string {
  return JSON.stringify(value);
}

/** The edits for a Python file: an import above, one statement after the line `pattern` matches. */
function pythonSnippet(file: string, text: string, pattern: RegExp, what: string, importLine: string, statement: (variable: string) => string): SnippetResult {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => pattern.test(l));
  if (at < 0) return { problem: `${file} has no ${what} line any more.` };
  const [, indent, variable] = pattern.exec(lines[at])!;
  const end = statementEnd(lines, at);
  const importAt = importInsertionLine(lines, at);
  const added = `${indent}${statement(variable)}`;
  return {
    file,
    shown: `${importLine}\n…\n${lines.slice(at, end + 1).join('\n')}\n${added}`,
    added: `${importLine}\n${added.trim()}`,
    edits: [
      { line: importAt, removeLines: 0, text: `${importLine}\n` },
      { line: end + 1, removeLines: 0, text: `${added}\n` },
    ],
  };
}

/** The `[name]` header lines of an .ini file. */
function iniSections(lines: readonly string[]): { name: string; line: number }[] {
  return lines.flatMap((text, line) => {
    const match = /^\s*\[([^\]]+)\]\s*$/.exec(text);
    return match ? [{ name: match[1].trim(), line }] : [];
  });
}

/** Where a new section goes after `section`: before the comments and blank lines that lead into the next one. */
function sectionInsertionLine(lines: readonly string[], nextHeader: number): number {
  let line = nextHeader;
  while (line > 0 && /^\s*([#;].*)?$/.test(lines[line - 1])) line--;
  return line;
}

const PASTE_FILTER = 'egg:request-profiler#profile';

/** The option lines of a PasteDeploy section after `use`: the engine only when it is not the default. */
function iniOptions(iniProfileDir: string, engine: Engine): string {
  return `profile_dir = ${iniProfileDir}\n${engine === 'sample' ? 'engine = sample\n' : ''}`;
}

function pasteDeploySnippet(file: string, text: string, iniProfileDir: string, engine: Engine): SnippetResult {
  const lines = text.split(/\r?\n/);
  const sections = iniSections(lines);
  const pipeline = sections.find((s) => s.name === 'pipeline:main');
  if (pipeline) {
    if (sections.some((s) => s.name === 'filter:request_profiler')) return { problem: `${file} already has a [filter:request_profiler] section.` };
    const next = sections.find((s) => s.line > pipeline.line)?.line ?? lines.length;
    const key = lines.findIndex((l, i) => i > pipeline.line && i < next && /^\s*pipeline\s*=/.test(l));
    if (key < 0) return { problem: `[pipeline:main] in ${file} has no "pipeline =" line.` };
    const section = `[filter:request_profiler]\nuse = ${PASTE_FILTER}\n${iniOptions(iniProfileDir, engine)}\n`;
    // The profiler goes first in the pipeline, so it measures every filter and the app.
    const [, head, value] = /^(\s*pipeline\s*=\s*)(.*)$/.exec(lines[key])!;
    const pipelineEdit: LineEdit = value.trim()
      ? { line: key, removeLines: 1, text: `${head}request_profiler ${value.trim()}\n` }
      : { line: key + 1, removeLines: 0, text: `${/^(\s+)\S/.exec(lines[key + 1] ?? '')?.[1] ?? '    '}request_profiler\n` };
    return {
      file,
      shown: `${section}[pipeline:main]\n${value.trim() ? pipelineEdit.text.trimEnd() : `${lines[key]}\n${pipelineEdit.text.trimEnd()}`}\n…`,
      added: `${section}# and request_profiler first in the pipeline of [pipeline:main]`,
      edits: [{ line: pipeline.line, removeLines: 0, text: section }, pipelineEdit],
      note: "PasteDeploy finds the filter through the installed package: install it into the app's environment first.",
    };
  }
  const main = sections.find((s) => /^(app|composite):main$/.test(s.name));
  if (!main) return { problem: `${file} has no [app:main], [composite:main] or [pipeline:main] section.` };
  if (sections.some((s) => s.name === 'filter-app:profile')) return { problem: `${file} already has a [filter-app:profile] section.` };
  const next = sections.find((s) => s.line > main.line)?.line ?? lines.length;
  const at = sectionInsertionLine(lines, next);
  const section = `[filter-app:profile]\nuse = ${PASTE_FILTER}\n${iniOptions(iniProfileDir, engine)}next = main\n`;
  // One blank line on each side, reusing the blank lines already there.
  const blankBefore = at > 0 && lines[at - 1].trim() !== '';
  const blankAfter = at < lines.length && lines[at].trim() !== '';
  return {
    file,
    shown: section.trimEnd(),
    added: section.trimEnd(),
    edits: [{ line: at, removeLines: 0, text: `${blankBefore ? '\n' : ''}${section}${blankAfter ? '\n' : ''}` }],
    note: `Serve the "profile" section to profile requests: pserve ${file.slice(file.lastIndexOf('/') + 1)} -n profile. PasteDeploy finds the filter through the installed package: install it into the app's environment first.`,
  };
}

/**
 * The lines for `framework`'s app in `file` (the text the host just read).
 * `profileDir` is relative to the server's working directory (the app's root) or absolute;
 * `iniProfileDir` is what a PasteDeploy section says (usually with %(here)s). The engine is
 * written only when it is the sampling one: cProfile is the middleware's default.
 */
export function snippetFor(
  framework: Framework,
  file: string,
  text: string,
  profileDir: string,
  iniProfileDir: string,
  engine: Engine = 'cprofile',
): SnippetResult {
  if (/\brequest_profiler\b|request-profiler#/.test(text)) return { problem: `${file} already uses request_profiler.` };
  // The middleware's keyword arguments.
  const options = `profile_dir=${pythonString(profileDir)}${engine === 'sample' ? ', engine="sample"' : ''}`;
  const assignment = (call: string) => new RegExp(`^(\\s*)([A-Za-z_]\\w*)\\s*(?::[^=]+)?=\\s*${call}`);
  switch (framework) {
    case 'flask':
      return pythonSnippet(
        file,
        text,
        assignment('(?:flask\\.)?Flask\\s*\\('),
        '`app = Flask(...)`',
        'from request_profiler import ProfilerMiddleware',
        (app) => `${app}.wsgi_app = ProfilerMiddleware(${app}.wsgi_app, ${options})`,
      );
    case 'fastapi':
    case 'starlette': {
      const constructor = framework === 'fastapi' ? '(?:fastapi\\.)?FastAPI\\s*\\(' : '(?:[\\w.]+\\.)?Starlette\\s*\\(';
      return pythonSnippet(
        file,
        text,
        assignment(constructor),
        `\`app = ${framework === 'fastapi' ? 'FastAPI' : 'Starlette'}(...)\``,
        'from request_profiler import ASGIProfilerMiddleware',
        (app) => `${app}.add_middleware(ASGIProfilerMiddleware, ${options})`,
      );
    }
    case 'django':
      return pythonSnippet(
        file,
        text,
        assignment('get_wsgi_application\\s*\\('),
        '`application = get_wsgi_application()`',
        'from request_profiler import ProfilerMiddleware',
        (app) => `${app} = ProfilerMiddleware(${app}, ${options})`,
      );
    case 'pyramid':
      if (file.endsWith('.ini')) return pasteDeploySnippet(file, text, iniProfileDir, engine);
      return pythonSnippet(
        file,
        text,
        assignment('[A-Za-z_]\\w*\\.make_wsgi_app\\s*\\('),
        '`app = config.make_wsgi_app()`',
        'from request_profiler import ProfilerMiddleware',
        (app) => `${app} = ProfilerMiddleware(${app}, ${options})`,
      );
  }
}
