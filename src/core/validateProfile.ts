/**
 * Checks a parsed profile document against the rules of the format (docs/profile-format.md,
 * docs/profile.schema.json) once, when it is loaded, so that the views, the call graph and
 * the source hints only ever see data they can trust. The first value that breaks a rule
 * refuses the document with its path, e.g.
 *   profile.functions[12].file: expected a string, got 42
 * Keys the format does not know are tolerated: the format says a later minor revision may
 * add some, and a reader of this version must still open such files.
 *
 * The header is treated apart (validateHeader): the fields a listing needs to place and name
 * a profile (id, start, wallMs, method, path) refuse it when wrong; any other field of the
 * wrong type is dropped (replaced by a value every view shows as unknown) and named in
 * `header.problems`. A bad Content-Type should not cost the user the whole profile.
 */
import { PROFILE_FORMAT, READABLE_PROFILE_VERSIONS, SAMPLED_PROFILE_VERSION, type ProfileDocument, type ProfileHeader } from './profileFormat';
import { visibleText } from './displayText';
import { ProfileReadError } from './profileReadError';
import { checkTimesAddUp } from './timeSum';
import type { ProfileRoute } from './profileFormat';

type Check = (value: unknown) => boolean;

interface Rule {
  check: Check;
  /** What the rule wants, for messages: "a string or null". */
  expected: string;
}

const STRING: Rule = { check: (v) => typeof v === 'string', expected: 'a string' };
const NULLABLE_STRING: Rule = { check: (v) => v === null || typeof v === 'string', expected: 'a string or null' };
const FINITE: Rule = { check: (v) => typeof v === 'number' && Number.isFinite(v), expected: 'a finite number' };
// `v >= 0` is false for NaN; Infinity is what JSON.parse makes of a number too large (1e309).
const SECONDS: Rule = { check: (v) => typeof v === 'number' && v >= 0 && v !== Infinity, expected: 'a finite number ≥ 0' };
const COUNT: Rule = { check: (v) => Number.isInteger(v) && (v as number) >= 0, expected: 'an integer ≥ 0' };
const INTEGER: Rule = { check: (v) => Number.isInteger(v), expected: 'an integer' };
const NULLABLE_INTEGER: Rule = { check: (v) => v === null || Number.isInteger(v), expected: 'an integer or null' };
const BOOLEAN: Rule = { check: (v) => typeof v === 'boolean', expected: 'true or false' };
const INTERFACE: Rule = { check: (v) => v === 'wsgi' || v === 'asgi', expected: '"wsgi" or "asgi"' };
const ENGINE: Rule = { check: (v) => v === 'cprofile' || v === 'sample', expected: '"cprofile" or "sample"' };
const NULLABLE_SECONDS: Rule = { check: (v) => v === null || SECONDS.check(v), expected: 'a finite number ≥ 0 or null' };

/** Header fields without which a profile cannot be listed: a wrong one refuses the file. */
const REQUIRED_HEADER: [keyof ProfileHeader, Rule][] = [
  ['id', STRING],
  ['start', FINITE],
  ['wallMs', SECONDS],
  ['method', STRING],
  ['path', STRING],
];

/**
 * Header fields that are only shown: a wrong one is replaced by its value here, which every
 * view shows as unknown ("?", "—", empty), and reported in header.problems.
 */
const SHOWN_HEADER: [keyof ProfileHeader, Rule, unknown][] = [
  ['cpuMs', SECONDS, NaN],
  ['profiledMs', SECONDS, NaN],
  ['interface', INTERFACE, 'wsgi'],
  ['profiled', BOOLEAN, true],
  ['skipReason', NULLABLE_STRING, null],
  ['query', STRING, ''],
  ['status', NULLABLE_INTEGER, null],
  ['contentType', NULLABLE_STRING, null],
  ['contentLength', NULLABLE_INTEGER, null],
  ['bytesSent', COUNT, NaN],
  ['pid', INTEGER, NaN],
  ['threadId', INTEGER, NaN],
  ['threadName', STRING, ''],
  ['error', NULLABLE_STRING, null],
  ['functionCount', COUNT, NaN],
  ['edgeCount', COUNT, NaN],
];

/** Header fields absent in files of earlier versions: a wrong one is dropped and reported. */
const OPTIONAL_HEADER: [keyof ProfileHeader, Rule][] = [
  ['clientDisconnected', BOOLEAN],
  ['engine', ENGINE],
];

/**
 * A header as the reader returns it: with `problems` when fields of the wrong type were ignored,
 * one message each, naming the field. Never in a file, so not part of ProfileHeader (the
 * format's contract, which the Python tests compare with the JSON Schema).
 */
export type CheckedHeader = ProfileHeader & { problems?: string[] };

/** The header fields the reader ignored, each with its reason; none for a sound header. */
export function headerProblems(header: ProfileHeader): readonly string[] {
  return (header as CheckedHeader).problems ?? [];
}

/** The message of a broken rule: "<path>: expected <what>, got <value>". */
export function ruleMessage(path: string, expected: string, value: unknown): string {
  return `${path}: expected ${expected}, got ${describeValue(value)}`;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new ProfileReadError(ruleMessage(path, expected, value));
}

/**
 * Checks the header object of line 1 (see the module comment for which fields refuse and
 * which are dropped). Returns a new object holding the format's fields only.
 */
export function validateHeader(value: unknown, path = 'header'): CheckedHeader {
  const header = objectAt(value, path);
  const checked: Record<string, unknown> = {};
  for (const [key, rule] of REQUIRED_HEADER) {
    const field = header[key];
    if (!rule.check(field)) fail(`${path}.${key}`, rule.expected, field);
    checked[key] = field;
  }
  const problems: string[] = [];
  for (const [key, rule, unknown] of SHOWN_HEADER) {
    const field = header[key];
    if (rule.check(field)) {
      checked[key] = field;
    } else {
      checked[key] = unknown;
      problems.push(`${ruleMessage(`${path}.${key}`, rule.expected, field)}: ignored`);
    }
  }
  // Optional (absent in files of earlier versions): a wrong type is dropped, as above.
  for (const [key, rule] of OPTIONAL_HEADER) {
    const field = header[key];
    if (field === undefined) continue;
    if (rule.check(field)) checked[key] = field;
    else problems.push(`${ruleMessage(`${path}.${key}`, rule.expected, field)}: ignored`);
  }
  if (header.route !== undefined) {
    const route = checkRoute(header.route, `${path}.route`);
    if (typeof route === 'string') problems.push(`${route}: ignored (the profile is grouped by its path)`);
    else checked.route = route;
  }
  if (problems.length > 0) checked.problems = problems;
  return checked as unknown as CheckedHeader;
}

const ROUTE_FIELDS: [keyof ProfileRoute, Rule][] = [
  ['template', STRING],
  ['name', NULLABLE_STRING],
  ['framework', STRING],
];

/** The header's optional route, its fields only; or why it is unusable (the first rule broken). */
function checkRoute(value: unknown, path: string): ProfileRoute | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ruleMessage(path, 'an object', value);
  const route = value as Record<string, unknown>;
  const checked: Record<string, unknown> = {};
  for (const [key, rule] of ROUTE_FIELDS) {
    if (!rule.check(route[key])) return ruleMessage(`${path}.${key}`, rule.expected, route[key]);
    checked[key] = route[key];
  }
  return checked as unknown as ProfileRoute;
}

/**
 * Checks a whole parsed document and returns it, typed, with `header` (the already checked
 * header of line 1) in place of the document's own. Header problems become profile notes,
 * so the opened profile says what was ignored.
 */
export function validateProfileDocument(value: unknown, header: CheckedHeader): ProfileDocument {
  const document = objectAt(value, 'the document');
  if (document.format !== PROFILE_FORMAT) fail('format', JSON.stringify(PROFILE_FORMAT), document.format);
  if (!READABLE_PROFILE_VERSIONS.includes(document.version as number)) fail('version', READABLE_PROFILE_VERSIONS.join(' or '), document.version);
  checkRequest(document.request);
  checkResponse(document.response);
  checkEnviron(document.environ);
  checkError(document.error);
  checkFields(document.python, 'python', [
    ['version', STRING],
    ['implementation', STRING],
    ['executable', STRING],
  ]);
  const paths = checkFields(document.paths, 'paths', [['cwd', STRING]]);
  for (const key of ['stdlib', 'sitePackages', 'prefixes']) checkStrings(paths[key], `paths.${key}`);
  checkProfileData(document.profile);
  checkEngine(document.profile as Record<string, unknown>, document.version as number);
  checkTimesAddUp(document.profile as ProfileDocument['profile']);
  document.header = header;
  const notes = (document.profile as { notes: string[] }).notes;
  if (header.problems) notes.push(...header.problems);
  return document as unknown as ProfileDocument;
}

function checkRequest(value: unknown): void {
  const request = checkFields(value, 'request', [
    ['method', STRING],
    ['path', STRING],
    ['query', STRING],
    ['scheme', STRING],
    ['host', STRING],
    ['remoteAddr', NULLABLE_STRING],
  ]);
  checkPairs(request.headers, 'request.headers');
}

function checkResponse(value: unknown): void {
  const response = checkFields(value, 'response', [
    ['status', NULLABLE_INTEGER],
    ['statusLine', NULLABLE_STRING],
    ['contentType', NULLABLE_STRING],
    ['contentLength', NULLABLE_INTEGER],
    ['bytesSent', COUNT],
  ]);
  checkPairs(response.headers, 'response.headers');
  // Optional: absent in files of earlier versions.
  if (response.disconnect !== undefined && !NULLABLE_STRING.check(response.disconnect))
    fail('response.disconnect', NULLABLE_STRING.expected, response.disconnect);
}

function checkEnviron(value: unknown): void {
  const environ = objectAt(value, 'environ');
  for (const key in environ) {
    if (typeof environ[key] !== 'string') fail(`environ[${JSON.stringify(key)}]`, STRING.expected, environ[key]);
  }
}

function checkError(value: unknown): void {
  if (value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) fail('error', 'null or an object', value);
  checkFields(value, 'error', [
    ['type', STRING],
    ['message', STRING],
    ['traceback', STRING],
  ]);
}

/**
 * The call data every view is built from, item by item. The loops test inline rather than
 * through the rules' closures: an edge's times are doubles, and passing each to a function
 * boxes it (200,000 allocations for 100,000 edges, each able to start a collection of the
 * freshly parsed document).
 */
function checkProfileData(value: unknown): void {
  const profile = objectAt(value, 'profile');
  const functions = profile.functions;
  const edges = profile.edges;
  if (!Array.isArray(functions)) fail('profile.functions', 'an array', functions);
  if (!Array.isArray(edges)) fail('profile.edges', 'an array', edges);
  checkStrings(profile.notes, 'profile.notes');
  for (let i = 0; i < functions.length; i++) {
    const fn = functions[i];
    if (typeof fn !== 'object' || fn === null || Array.isArray(fn)) fail(`profile.functions[${i}]`, 'an object', fn);
    if (
      typeof fn.file !== 'string' ||
      typeof fn.name !== 'string' ||
      !(fn.qualname === null || typeof fn.qualname === 'string') ||
      !isCount(fn.line) ||
      !isCount(fn.cc) ||
      !isCount(fn.nc) ||
      !isSeconds(fn.tt) ||
      !isSeconds(fn.ct)
    ) {
      failFunction(fn, i);
    }
  }
  const count = functions.length;
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i];
    if (!Array.isArray(edge) || edge.length !== 6) fail(`profile.edges[${i}]`, 'an array of 6 numbers [caller, callee, cc, nc, tt, ct]', edge);
    const caller = edge[0];
    const callee = edge[1];
    if (
      !(isCount(caller) && caller < count) ||
      !(isCount(callee) && callee < count) ||
      !isCount(edge[2]) ||
      !isCount(edge[3]) ||
      !isSeconds(edge[4]) ||
      !isSeconds(edge[5])
    ) {
      failEdge(edge, i, count);
    }
  }
}

/**
 * Version 2 is the sampled profile: its engine says so, and it carries the sampling's figures and
 * the stacks, each frame a function index and each number what the format says. A version 1 file
 * is a cProfile profile, whatever else it holds.
 */
function checkEngine(profile: Record<string, unknown>, version: number): void {
  const engine = profile.engine;
  if (version !== SAMPLED_PROFILE_VERSION) {
    if (engine !== undefined && engine !== 'cprofile') fail('profile.engine', `"cprofile" or nothing in a version ${version} profile`, engine);
    return;
  }
  if (engine !== 'sample') fail('profile.engine', `"sample" in a version ${SAMPLED_PROFILE_VERSION} profile`, engine);
  const sampling = checkFields(profile.sampling, 'profile.sampling', SAMPLING_FIELDS);
  // ASGI only: the request's running and awaiting time, measured exactly.
  for (const key of ['runningMs', 'awaitingMs']) {
    if (sampling[key] !== undefined && !SECONDS.check(sampling[key])) fail(`profile.sampling.${key}`, SECONDS.expected, sampling[key]);
  }
  const stacks = profile.stacks;
  if (!Array.isArray(stacks)) fail('profile.stacks', 'an array', stacks);
  const count = (profile.functions as unknown[]).length;
  for (let i = 0; i < stacks.length; i++) checkStack(stacks[i], `profile.stacks[${i}]`, count);
}

const SAMPLING_FIELDS: [string, Rule][] = [
  ['intervalMs', SECONDS],
  ['samples', COUNT],
  ['rateHz', SECONDS],
  ['maxGapMs', SECONDS],
  ['sampledMs', SECONDS],
  ['cpuMs', NULLABLE_SECONDS],
  ['unsampledTailMs', SECONDS],
  ['unattributedMs', SECONDS],
  ['overflowMs', SECONDS],
  ['distinctStacks', COUNT],
];

function checkStack(stack: unknown, path: string, count: number): void {
  if (!Array.isArray(stack) || stack.length !== 6) fail(path, 'an array [frames, lines, awaiting, wallSeconds, cpuSeconds, samples]', stack);
  const [frames, lines, awaiting, wall, cpu, samples] = stack as unknown[];
  // Empty: samples of the request's thread running none of the request's own frames.
  if (!Array.isArray(frames)) fail(`${path}[0]`, 'an array of function indices', frames);
  for (let at = 0; at < frames.length; at++) {
    const frame: unknown = frames[at];
    if (!(isCount(frame) && frame < count)) fail(`${path}[0][${at}]`, `a function index from 0 to ${count - 1} (there are ${count} functions)`, frame);
  }
  if (!Array.isArray(lines) || lines.length !== frames.length) fail(`${path}[1]`, `an array of ${frames.length} line numbers, one per frame`, lines);
  for (let at = 0; at < lines.length; at++) if (!isCount(lines[at])) fail(`${path}[1][${at}]`, COUNT.expected, lines[at]);
  if (!BOOLEAN.check(awaiting)) fail(`${path}[2]`, BOOLEAN.expected, awaiting);
  if (!isSeconds(wall)) fail(`${path}[3]`, SECONDS.expected, wall);
  if (!isSeconds(cpu)) fail(`${path}[4]`, SECONDS.expected, cpu);
  if (!isCount(samples)) fail(`${path}[5]`, COUNT.expected, samples);
}

// Small enough to be inlined into the loops above (so a double is never boxed to call them).
function isCount(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && Math.floor(value) === value && value !== Infinity;
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value !== Infinity;
}

const FUNCTION_FIELDS: [string, Rule][] = [
  ['file', STRING],
  ['line', COUNT],
  ['name', STRING],
  ['qualname', NULLABLE_STRING],
  ['cc', COUNT],
  ['nc', COUNT],
  ['tt', SECONDS],
  ['ct', SECONDS],
];

/** Finds which field of a function that failed the fast check is wrong, in the format's order. */
function failFunction(fn: Record<string, unknown>, index: number): never {
  for (const [key, rule] of FUNCTION_FIELDS) {
    if (!rule.check(fn[key])) fail(`profile.functions[${index}].${key}`, rule.expected, fn[key]);
  }
  throw new Error(`profile.functions[${index}] failed a check that no field fails`);
}

function failEdge(edge: unknown[], index: number, count: number): never {
  for (let at = 0; at < 2; at++) {
    const value = edge[at];
    if (!(COUNT.check(value) && (value as number) < count)) {
      fail(`profile.edges[${index}][${at}]`, `a function index from 0 to ${count - 1} (there are ${count} functions)`, value);
    }
  }
  for (let at = 2; at < 4; at++) if (!COUNT.check(edge[at])) fail(`profile.edges[${index}][${at}]`, COUNT.expected, edge[at]);
  for (let at = 4; at < 6; at++) if (!SECONDS.check(edge[at])) fail(`profile.edges[${index}][${at}]`, SECONDS.expected, edge[at]);
  throw new Error(`profile.edges[${index}] failed a check that no item fails`);
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
  return value as Record<string, unknown>;
}

function checkFields(value: unknown, path: string, fields: [string, Rule][]): Record<string, unknown> {
  const object = objectAt(value, path);
  for (const [key, rule] of fields) if (!rule.check(object[key])) fail(`${path}.${key}`, rule.expected, object[key]);
  return object;
}

function checkStrings(value: unknown, path: string): void {
  if (!Array.isArray(value)) fail(path, 'an array of strings', value);
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') fail(`${path}[${i}]`, STRING.expected, value[i]);
}

/** [name, value] pairs: request and response headers. */
function checkPairs(value: unknown, path: string): void {
  if (!Array.isArray(value)) fail(path, 'an array of [name, value] pairs', value);
  for (let i = 0; i < value.length; i++) {
    const pair = value[i];
    if (!Array.isArray(pair) || pair.length !== 2) fail(`${path}[${i}]`, 'a [name, value] pair', pair);
    for (let at = 0; at < 2; at++) if (typeof pair[at] !== 'string') fail(`${path}[${i}][${at}]`, STRING.expected, pair[at]);
  }
}

/**
 * A short, safe description of a value for a message: never its whole content, and with
 * characters that could hide or reorder text (controls, bidi overrides, lone surrogates,
 * non-characters) shown as ⟨U+XXXX⟩, as everywhere else.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string "${escapeUnsafe(shown)}"`;
  }
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  return 'an object';
}

/** A string in a message: quotes and backslashes escaped, hidden characters shown (displayText.ts). */
function escapeUnsafe(text: string): string {
  return visibleText(text).replace(/["\\]/g, (c) => `\\${c}`);
}
