/**
 * Adds or replaces one named entry in the array of a JSON-with-comments file (launch.json's
 * `configurations`, tasks.json's `tasks`) by text edits, so comments, trailing commas, the
 * other entries and the file's indentation stay as they were. Pure (jsonc-parser only).
 */
// The ES module build: the package's default (UMD) build requires its parts at run time through a
// wrapper that esbuild cannot follow, so a bundle of it fails with "Cannot find module './impl/format'".
import {
  applyEdits,
  findNodeAtLocation,
  getNodeValue,
  modify,
  parseTree,
  printParseErrorCode,
  type FormattingOptions,
  type ParseError,
} from 'jsonc-parser/lib/esm/main';

export interface JsoncTarget {
  /** The array holding the entries: "configurations" or "tasks". */
  arrayKey: string;
  /** The property naming an entry: "name" (launch.json) or "label" (tasks.json). */
  nameKey: string;
  /** Properties a new file starts with, e.g. {version: "0.2.0"}. */
  skeleton: Record<string, unknown>;
}

export interface UpsertResult {
  text: string;
  /** True when an entry with the same name was replaced, false when one was added. */
  replaced: boolean;
}

/** Indentation and line ends as the file already has them (two spaces and \n for a new file). */
export function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indented = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indented?.startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: indented ? indented.length : 2, eol };
}

export class JsoncSyntaxError extends Error {}

/** The entry's new text in `existing` (undefined for a missing file). Throws JsoncSyntaxError on a file it cannot edit safely. */
export function upsertNamedEntry(existing: string | undefined, target: JsoncTarget, entry: Record<string, unknown>): UpsertResult {
  const formattingOptions = formattingOf(existing ?? '');
  if (existing === undefined || !existing.trim()) {
    const text = JSON.stringify({ ...target.skeleton, [target.arrayKey]: [entry] }, null, 2) + '\n';
    return { text, replaced: false };
  }
  const errors: ParseError[] = [];
  const root = parseTree(existing, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length || !root) {
    const first = errors[0];
    const line = first ? existing.slice(0, first.offset).split('\n').length : 1;
    throw new JsoncSyntaxError(`it is not valid JSON with comments (${first ? printParseErrorCode(first.error) : 'empty'} on line ${line})`);
  }
  if (root.type !== 'object') throw new JsoncSyntaxError('its top level is not an object');
  const array = findNodeAtLocation(root, [target.arrayKey]);
  if (array && array.type !== 'array') throw new JsoncSyntaxError(`its "${target.arrayKey}" is not a list`);

  const edit = (path: (string | number)[], value: unknown, isArrayInsertion = false) =>
    applyEdits(existing, modify(existing, path, value, { formattingOptions, isArrayInsertion }));

  if (!array) {
    let text = edit([target.arrayKey], [entry]);
    // A file that has entries but no version gets the skeleton's other properties too.
    for (const [key, value] of Object.entries(target.skeleton)) {
      const parsed = parseTree(text);
      if (parsed && !findNodeAtLocation(parsed, [key])) text = applyEdits(text, modify(text, [key], value, { formattingOptions }));
    }
    return { text, replaced: false };
  }
  const entries = array.children ?? [];
  const index = entries.findIndex((child) => {
    const value = getNodeValue(child) as Record<string, unknown> | null;
    return value !== null && typeof value === 'object' && value[target.nameKey] === entry[target.nameKey];
  });
  if (index >= 0) return { text: edit([target.arrayKey, index], entry), replaced: true };
  return { text: edit([target.arrayKey, entries.length], entry, true), replaced: false };
}

export const LAUNCH_JSON: JsoncTarget = { arrayKey: 'configurations', nameKey: 'name', skeleton: { version: '0.2.0' } };
export const TASKS_JSON: JsoncTarget = { arrayKey: 'tasks', nameKey: 'label', skeleton: { version: '2.0.0' } };
