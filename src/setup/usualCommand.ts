/**
 * "The usual command" that starts a detected app (flask run, python manage.py runserver,
 * uvicorn main:app, pserve development.ini), as an argument list, plus the small amount of
 * shell-like splitting and quoting needed to let the user edit it as one line. Pure.
 */
import type { FrameworkCandidate } from '../core/frameworkDetection';

function relativeTo(root: string, file: string): string {
  return root && file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}

/**
 * The command that serves this app, run in the app's root directory. Servers are started as
 * `python -m <server>`, not by their scripts (flask, uvicorn, pserve): the wrapper runs `python`
 * as its own interpreter, so the app runs on the interpreter the user chose rather than on
 * whichever environment's script comes first on PATH, and a debugger that follows the wrapper
 * into the server sees a Python process. People may still type `flask run` in the input box.
 */
export function usualCommand(candidate: Pick<FrameworkCandidate, 'framework' | 'app'>): string[] {
  const app = candidate.app;
  const target = app?.module && app.object ? `${app.module}:${app.object}` : undefined;
  switch (candidate.framework) {
    case 'flask':
      // Flask's --app takes a factory call as written: "pkg:create_app()".
      return target ? ['python', '-m', 'flask', '--app', app!.factory ? `${target}()` : target, 'run'] : ['python', '-m', 'flask', 'run'];
    case 'django':
      return ['python', app ? relativeTo(app.root, app.file) : 'manage.py', 'runserver'];
    case 'fastapi':
    case 'starlette':
      if (!target) return ['python', '-m', 'uvicorn', 'main:app'];
      return app!.factory ? ['python', '-m', 'uvicorn', '--factory', target] : ['python', '-m', 'uvicorn', target];
    case 'pyramid':
      if (app?.file.endsWith('.ini')) return ['python', '-m', 'pyramid.scripts.pserve', relativeTo(app.root, app.file)];
      return app ? ['python', relativeTo(app.root, app.file)] : ['python', '-m', 'pyramid.scripts.pserve', 'development.ini'];
  }
}

/**
 * Splits a command line as a POSIX shell would for the simple cases people type: words,
 * 'single' and "double" quotes, backslash escapes. No expansion of any kind.
 * Throws on an unterminated quote, so the input box can say what is wrong.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1])) j++;
        word += line[j];
      }
      if (j >= line.length) throw new Error('unterminated double quote');
      inWord = true;
      i = j;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** One argument quoted for a POSIX shell only when it needs it. */
export function quoteArgument(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommandLine(argv: readonly string[]): string {
  return argv.map(quoteArgument).join(' ');
}
