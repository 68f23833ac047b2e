/**
 * Which Python web framework a workspace uses, and where its app is, from file contents alone.
 * The host reads the files (dependency lists, Python sources, PasteDeploy .ini files) and passes
 * them in; this module does no I/O, so it runs in unit tests on the sample workspaces.
 *
 * Each candidate carries the evidence it rests on, so the set-up command can show the user why it
 * thinks so, and a confidence that grows with independent kinds of evidence: a declared
 * dependency, an import, and an app object (or manage.py / an [app:main] section) each count.
 * Regular expressions, not a Python parser: the aim is the common layouts, and a miss only means
 * the user picks the framework by hand.
 */

export type Framework = 'flask' | 'django' | 'fastapi' | 'starlette' | 'pyramid';

export const FRAMEWORKS: readonly Framework[] = ['flask', 'django', 'fastapi', 'starlette', 'pyramid'];

export const FRAMEWORK_LABELS: Readonly<Record<Framework, string>> = {
  flask: 'Flask',
  django: 'Django',
  fastapi: 'FastAPI',
  starlette: 'Starlette',
  pyramid: 'Pyramid',
};

/** One file as the host read it. */
export interface WorkspaceFile {
  /** Relative to the workspace folder, '/' separated, no leading './'. */
  path: string;
  text: string;
}

export interface Evidence {
  file: string;
  /** 0-based line, when the evidence is one line. */
  line?: number;
  /** What was seen, for people: "declares Flask>=2.2", "app = Flask(__name__)". */
  what: string;
}

/** Where the app is and how it is served, as far as the files say. */
export interface AppTarget {
  /** The directory the server is started in (relative, '' for the workspace folder itself). */
  root: string;
  /** The file that creates or configures the app: app.py, manage.py, development.ini. */
  file: string;
  /** 0-based line of the app's creation (the `app = Flask(` line, [app:main] header), when known. */
  line?: number;
  /** Dotted module of `file` seen from `root` (Python targets). */
  module?: string;
  /** The variable holding the app, or for factories the factory's name. */
  object?: string;
  /** True when the app is made by a factory function (create_app) rather than at import. */
  factory?: boolean;
  /** Django: the settings module named by manage.py. */
  settingsModule?: string;
  /** Django: the wsgi.py that makes `application` (where the middleware goes). */
  wsgiFile?: string;
}

export type Confidence = 'high' | 'medium' | 'low';

export interface FrameworkCandidate {
  framework: Framework;
  confidence: Confidence;
  /** 0..1; candidates are sorted by it. */
  score: number;
  evidence: Evidence[];
  /** Undefined when the framework is used but no app was found (the user names it). */
  app?: AppTarget;
}

/** How much each independent kind of evidence adds; two kinds make a high-confidence candidate. */
const WEIGHT = { dependency: 0.4, import: 0.3, app: 0.4 } as const;

/** Distribution names (normalised as pip does: lower case, runs of -_. as '-') of each framework. */
const DISTRIBUTIONS: Readonly<Record<string, Framework>> = {
  flask: 'flask',
  django: 'django',
  fastapi: 'fastapi',
  'fastapi-slim': 'fastapi',
  starlette: 'starlette',
  pyramid: 'pyramid',
};

/** The top-level module each framework is imported as. */
const MODULES: Readonly<Record<string, Framework>> = {
  flask: 'flask',
  django: 'django',
  fastapi: 'fastapi',
  starlette: 'starlette',
  pyramid: 'pyramid',
};

export function normaliseDistribution(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

// ---------------------------------------------------------------------------------------------
// Declared dependencies

/** A requirement specifier's distribution name: "Flask[async]>=2.2 ; python_version>'3'" → "Flask". */
function requirementName(spec: string): string | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return match?.[1];
}

interface Declared {
  name: string;
  line: number;
  text: string;
}

/** requirements*.txt: one specifier a line; options (-r, -e, --hash) and comments skipped. */
function requirementsTxtDependencies(text: string): Declared[] {
  const found: Declared[] = [];
  text.split(/\r?\n/).forEach((raw, line) => {
    const spec = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!spec || spec.startsWith('-')) return;
    const name = requirementName(spec);
    if (name) found.push({ name, line, text: spec });
  });
  return found;
}

/** Quoted requirement strings inside a region ("flask>=2", 'Django'): pyproject arrays, setup.py. */
function quotedRequirements(lines: string[], from: number, to: number): Declared[] {
  const found: Declared[] = [];
  for (let line = from; line < to; line++) {
    for (const match of lines[line].matchAll(/["']([A-Za-z0-9][^"'\n]*)["']/g)) {
      const name = requirementName(match[1]);
      if (name) found.push({ name, line, text: match[1] });
    }
  }
  return found;
}

/** [section] headers of a TOML or INI-like file, with the line ranges they cover. */
function sections(lines: string[]): { name: string; from: number; to: number }[] {
  const result: { name: string; from: number; to: number }[] = [];
  lines.forEach((text, line) => {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(text);
    if (!header) return;
    if (result.length) result[result.length - 1].to = line;
    result.push({ name: header[1], from: line + 1, to: lines.length });
  });
  return result;
}

/** The lines of a bracketed value starting at `line` (`dependencies = [` … `]`), end exclusive. */
function bracketedValueEnd(lines: string[], line: number): number {
  let depth = 0;
  for (let i = line; i < lines.length; i++) {
    for (const ch of lines[i].replace(/#.*$/, '')) {
      if (ch === '[') depth++;
      else if (ch === ']') depth--;
    }
    if (depth <= 0) return i + 1;
  }
  return lines.length;
}

/**
 * pyproject.toml: PEP 621 `dependencies` and `optional-dependencies`, and Poetry/PDM-style
 * dependency tables whose keys are names. Not a TOML parser: it reads the shapes these take.
 */
function pyprojectDependencies(text: string): Declared[] {
  const lines = text.split(/\r?\n/);
  const found: Declared[] = [];
  for (const section of sections(lines)) {
    const isTable = /(^|\.)(dependencies|dev-dependencies)$/.test(section.name) && section.name !== 'project';
    for (let line = section.from; line < section.to; line++) {
      const text = lines[line];
      if (section.name === 'project' || section.name === 'project.optional-dependencies' || /dependency-groups$/.test(section.name)) {
        const array = /^\s*[\w.-]+\s*=\s*\[/.exec(text);
        if (array && (section.name !== 'project' || /^\s*dependencies\s*=/.test(text))) {
          const end = bracketedValueEnd(lines, line);
          found.push(...quotedRequirements(lines, line, end));
          line = end - 1;
        }
      } else if (isTable) {
        const key = /^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*=/.exec(text);
        if (key && key[1] !== 'python') found.push({ name: key[1], line, text: text.trim() });
      }
    }
  }
  return found;
}

/** setup.cfg: `install_requires =` followed by indented specifiers. */
function setupCfgDependencies(text: string): Declared[] {
  const lines = text.split(/\r?\n/);
  const found: Declared[] = [];
  for (let line = 0; line < lines.length; line++) {
    const start = /^\s*install_requires\s*=\s*(.*)$/.exec(lines[line]);
    if (!start) continue;
    const first = start[1].trim();
    if (first) found.push({ name: requirementName(first) ?? '', line, text: first });
    for (line++; line < lines.length && /^\s+\S/.test(lines[line]); line++) {
      const spec = lines[line].replace(/#.*$/, '').trim();
      const name = requirementName(spec);
      if (name) found.push({ name, line, text: spec });
    }
    line--;
  }
  return found.filter((d) => d.name);
}

/** setup.py: the strings in `install_requires=[...]`, or in the list it names (`requires = [...]`). */
function setupPyDependencies(text: string): Declared[] {
  const lines = text.split(/\r?\n/);
  const found: Declared[] = [];
  const named = new Set<string>();
  lines.forEach((line, index) => {
    const use = /install_requires\s*=\s*(\[|[A-Za-z_]\w*)/.exec(line);
    if (use?.[1] === '[') found.push(...quotedRequirements(lines, index, bracketedValueEnd(lines, index)));
    else if (use) named.add(use[1]);
  });
  lines.forEach((line, index) => {
    const list = /^([A-Za-z_]\w*)\s*=\s*\[/.exec(line);
    if (list && named.has(list[1])) found.push(...quotedRequirements(lines, index, bracketedValueEnd(lines, index)));
  });
  return found;
}

/** Pipfile: the keys of [packages] and [dev-packages]. */
function pipfileDependencies(text: string): Declared[] {
  const lines = text.split(/\r?\n/);
  const found: Declared[] = [];
  for (const section of sections(lines)) {
    if (section.name !== 'packages' && section.name !== 'dev-packages') continue;
    for (let line = section.from; line < section.to; line++) {
      const key = /^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*=/.exec(lines[line]);
      if (key) found.push({ name: key[1], line, text: lines[line].trim() });
    }
  }
  return found;
}

/** The framework dependencies a file declares, if it is a dependency list at all. */
export function declaredFrameworks(file: WorkspaceFile): { framework: Framework; evidence: Evidence }[] {
  const name = basename(file.path);
  let declared: Declared[] | undefined;
  if (/^requirements.*\.(txt|in)$/i.test(name) || (/\.(txt|in)$/.test(name) && /(^|\/)requirements\//.test(file.path))) {
    declared = requirementsTxtDependencies(file.text);
  } else if (name === 'pyproject.toml') declared = pyprojectDependencies(file.text);
  else if (name === 'setup.cfg') declared = setupCfgDependencies(file.text);
  else if (name === 'setup.py') declared = setupPyDependencies(file.text);
  else if (name === 'Pipfile') declared = pipfileDependencies(file.text);
  if (!declared) return [];
  const result: { framework: Framework; evidence: Evidence }[] = [];
  for (const dependency of declared) {
    const framework = DISTRIBUTIONS[normaliseDistribution(dependency.name)];
    if (framework) result.push({ framework, evidence: { file: file.path, line: dependency.line, what: `declares ${dependency.text}` } });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Python sources

/** Framework imports in a Python file: `import flask`, `from fastapi import FastAPI`, `from django.conf import settings`. */
export function importedFrameworks(file: WorkspaceFile): { framework: Framework; evidence: Evidence }[] {
  const result: { framework: Framework; evidence: Evidence }[] = [];
  const seen = new Set<Framework>();
  file.text.split(/\r?\n/).forEach((text, line) => {
    const match = /^\s*(?:from\s+([A-Za-z_]\w*)[\w.]*\s+import\b|import\s+([A-Za-z_]\w*))/.exec(text);
    const framework = match && MODULES[match[1] ?? match[2]];
    if (!framework || seen.has(framework)) return;
    seen.add(framework);
    result.push({ framework, evidence: { file: file.path, line, what: text.trim() } });
  });
  return result;
}

/** Constructors that make an app object, per framework (with or without the module prefix). */
const APP_CONSTRUCTORS: readonly { framework: Framework; pattern: RegExp }[] = [
  { framework: 'flask', pattern: /^(\s*)([A-Za-z_]\w*)\s*(?::\s*[\w.[\], ]+)?=\s*(?:flask\.)?Flask\s*\(/ },
  { framework: 'fastapi', pattern: /^(\s*)([A-Za-z_]\w*)\s*(?::\s*[\w.[\], ]+)?=\s*(?:fastapi\.)?FastAPI\s*\(/ },
  { framework: 'starlette', pattern: /^(\s*)([A-Za-z_]\w*)\s*(?::\s*[\w.[\], ]+)?=\s*(?:starlette\.applications\.|applications\.)?Starlette\s*\(/ },
  // A Pyramid app served from Python (no .ini): app = config.make_wsgi_app()
  { framework: 'pyramid', pattern: /^(\s*)([A-Za-z_]\w*)\s*=\s*[A-Za-z_]\w*\.make_wsgi_app\s*\(/ },
];

/**
 * The function an indented line belongs to: walking up, each line less indented than the last
 * one kept is an enclosing block; the first `def` among them wins, a top-level statement ends it.
 */
function enclosingFunction(lines: string[], line: number, indent: number): string | undefined {
  let threshold = indent;
  for (let i = line - 1; i >= 0 && threshold > 0; i--) {
    const statement = /^(\s*)([^\s#)\]}])/.exec(lines[i]);
    if (!statement || statement[1].length >= threshold) continue;
    const def = /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)/.exec(lines[i]);
    if (def) return def[1];
    threshold = statement[1].length;
  }
  return undefined;
}

/**
 * The import root of a Python file: the nearest directory above it that is not a package (has no
 * __init__.py), so `pkg/app.py` with `pkg/__init__.py` is module `pkg.app` run from `pkg`'s parent.
 */
export function moduleOf(path: string, packages: ReadonlySet<string>): { root: string; module: string } {
  const parts: string[] = [basename(path).replace(/\.py$/, '')];
  let dir = dirname(path);
  while (dir && packages.has(dir)) {
    parts.unshift(basename(dir));
    dir = dirname(dir);
  }
  if (parts.length > 1 && parts[parts.length - 1] === '__init__') parts.pop();
  return { root: dir, module: parts.join('.') };
}

/** App objects created in a Python file, with the module:object the servers need. */
export function appObjects(file: WorkspaceFile, packages: ReadonlySet<string>): { framework: Framework; app: AppTarget; evidence: Evidence }[] {
  const lines = file.text.split(/\r?\n/);
  const result: { framework: Framework; app: AppTarget; evidence: Evidence }[] = [];
  lines.forEach((text, line) => {
    for (const { framework, pattern } of APP_CONSTRUCTORS) {
      const match = pattern.exec(text);
      if (!match) continue;
      const indent = match[1].length;
      const { root, module } = moduleOf(file.path, packages);
      const factory = indent > 0 ? enclosingFunction(lines, line, indent) : undefined;
      // An indented creation outside any function (under `if`, `with`): still a module-level name.
      const app: AppTarget = { root, file: file.path, line, module, object: factory ?? match[2] };
      if (factory) app.factory = true;
      result.push({ framework, app, evidence: { file: file.path, line, what: text.trim() } });
    }
  });
  return result;
}

// ---------------------------------------------------------------------------------------------
// Django

/** The file a dotted module is in, if the workspace has it. */
function fileOfModule(module: string, root: string, paths: ReadonlySet<string>): string | undefined {
  const base = joinPath(root, module.replace(/\./g, '/'));
  return [`${base}.py`, `${base}/__init__.py`].find((p) => paths.has(p));
}

function djangoApps(files: readonly WorkspaceFile[], paths: ReadonlySet<string>): { app: AppTarget; evidence: Evidence[] }[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const result: { app: AppTarget; evidence: Evidence[] }[] = [];
  for (const file of files) {
    if (basename(file.path) !== 'manage.py') continue;
    const lines = file.text.split(/\r?\n/);
    const line = lines.findIndex((l) => /DJANGO_SETTINGS_MODULE/.test(l));
    if (line < 0) continue;
    const root = dirname(file.path);
    const settingsModule = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']/.exec(lines[line])?.[1];
    const app: AppTarget = { root, file: file.path, line };
    const evidence: Evidence[] = [{ file: file.path, line, what: lines[line].trim() }];
    if (settingsModule) {
      app.settingsModule = settingsModule;
      const settingsFile = fileOfModule(settingsModule, root, paths);
      const settings = settingsFile ? byPath.get(settingsFile) : undefined;
      const wsgiSetting = settings?.text.split(/\r?\n/).findIndex((l) => /^\s*WSGI_APPLICATION\s*=/.test(l)) ?? -1;
      if (settings && wsgiSetting >= 0) {
        const declaration = settings.text.split(/\r?\n/)[wsgiSetting];
        evidence.push({ file: settings.path, line: wsgiSetting, what: declaration.trim() });
        const wsgiModule = /["']([\w.]+)\.\w+["']/.exec(declaration)?.[1];
        if (wsgiModule) app.wsgiFile = fileOfModule(wsgiModule, root, paths);
      }
    }
    // No settings to follow: the wsgi.py next to a settings.py under this root.
    app.wsgiFile ??= files.find((f) => basename(f.path) === 'wsgi.py' && dirname(dirname(f.path)) === root && /get_wsgi_application/.test(f.text))?.path;
    result.push({ app, evidence });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// PasteDeploy (Pyramid)

/** .ini files that define a PasteDeploy main app: [app:main], [pipeline:main] or [composite:main] with `use = egg:`. */
function pasteDeployApps(files: readonly WorkspaceFile[]): { app: AppTarget; evidence: Evidence[] }[] {
  const result: { app: AppTarget; evidence: Evidence[] }[] = [];
  for (const file of files) {
    if (!file.path.endsWith('.ini')) continue;
    const lines = file.text.split(/\r?\n/);
    const main = lines.findIndex((l) => /^\s*\[(app|pipeline|composite|filter-app):main\]\s*$/.test(l));
    const egg = lines.findIndex((l) => /^\s*use\s*=\s*egg:/.test(l));
    if (main < 0 || egg < 0) continue;
    result.push({
      app: { root: dirname(file.path), file: file.path, line: main },
      evidence: [
        { file: file.path, line: main, what: lines[main].trim() },
        { file: file.path, line: egg, what: lines[egg].trim() },
      ],
    });
  }
  // pserve development.ini is the usual way in; production.ini and friends after it.
  const rank = (path: string) => (/development\.ini$/.test(path) ? 0 : /production\.ini$/.test(path) ? 2 : 1);
  return result.sort((a, b) => rank(a.app.file) - rank(b.app.file) || a.app.file.localeCompare(b.app.file));
}

// ---------------------------------------------------------------------------------------------
// Putting it together

function confidenceOf(score: number): Confidence {
  return score >= 0.7 ? 'high' : score >= 0.4 ? 'medium' : 'low';
}

/**
 * Every framework the files point at, best first. One candidate per app found (two Flask apps
 * give two), or one without an app when only dependencies or imports were seen. A Starlette
 * candidate is dropped when FastAPI (built on it) is present and no Starlette app object is.
 */
export function detectFrameworks(files: readonly WorkspaceFile[]): FrameworkCandidate[] {
  const paths = new Set(files.map((f) => f.path));
  const packages = new Set(files.filter((f) => basename(f.path) === '__init__.py').map((f) => dirname(f.path)));
  const dependencies = new Map<Framework, Evidence[]>();
  const imports = new Map<Framework, Evidence[]>();
  const apps = new Map<Framework, { app: AppTarget; evidence: Evidence[] }[]>();
  const add = <T>(map: Map<Framework, T[]>, framework: Framework, item: T) => {
    const list = map.get(framework) ?? [];
    list.push(item);
    map.set(framework, list);
  };

  for (const file of files) {
    for (const { framework, evidence } of declaredFrameworks(file)) add(dependencies, framework, evidence);
    if (!file.path.endsWith('.py')) continue;
    for (const { framework, evidence } of importedFrameworks(file)) add(imports, framework, evidence);
    for (const { framework, app, evidence } of appObjects(file, packages)) add(apps, framework, { app, evidence: [evidence] });
  }
  for (const found of djangoApps(files, paths)) add(apps, 'django', found);
  for (const found of pasteDeployApps(files)) add(apps, 'pyramid', found);

  const candidates: FrameworkCandidate[] = [];
  for (const framework of FRAMEWORKS) {
    const declared = dependencies.get(framework) ?? [];
    const imported = imports.get(framework) ?? [];
    const found = apps.get(framework) ?? [];
    if (!declared.length && !imported.length && !found.length) continue;
    if (framework === 'starlette' && !found.length && (dependencies.has('fastapi') || imports.has('fastapi') || apps.has('fastapi'))) continue;
    // Imports are evidence once, not once per file; up to three are shown.
    const shared = [...declared.slice(0, 3), ...imported.slice(0, 3)];
    const base = (declared.length ? WEIGHT.dependency : 0) + (imported.length ? WEIGHT.import : 0);
    if (!found.length) {
      candidates.push({ framework, score: round(base), confidence: confidenceOf(base), evidence: shared });
      continue;
    }
    for (const { app, evidence } of found) {
      // A factory is less certain to be what the server should load than a module-level app.
      const score = Math.min(1, base + (app.factory ? WEIGHT.app * 0.75 : WEIGHT.app));
      candidates.push({ framework, score: round(score), confidence: confidenceOf(score), evidence: [...evidence, ...shared], app });
    }
  }
  return candidates.sort((a, b) => b.score - a.score || FRAMEWORKS.indexOf(a.framework) - FRAMEWORKS.indexOf(b.framework));
}

function round(score: number): number {
  return Math.round(score * 100) / 100;
}

/** "app:app", "pkg.app:create_app()", "mysite/manage.py", "development.ini": how people name the app. */
export function describeApp(candidate: Pick<FrameworkCandidate, 'framework' | 'app'>): string | undefined {
  const app = candidate.app;
  if (!app) return undefined;
  if (app.module && app.object) return `${app.module}:${app.object}${app.factory ? '()' : ''}`;
  return app.file;
}
