/**
 * Reads a profile's listing fields from the first line of its file, without parsing the rest.
 * Every way a file can be unusable gives a ProfileReadError whose message a user can act on.
 */
import { PROFILE_FORMAT, PROFILE_VERSION, type ProfileHeader } from './profileFormat';

export class ProfileReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileReadError';
  }
}

const HEADER_PREFIX = `{"format":"${PROFILE_FORMAT}","version":`;

/**
 * Parses the header from the start of a profile file.
 * @param firstChunk the file's first bytes decoded as text (at least its whole first line).
 */
export function parseProfileHeader(firstChunk: string): ProfileHeader {
  if (firstChunk.length === 0) throw new ProfileReadError('The file is empty (a write may have been interrupted).');
  const newline = firstChunk.indexOf('\n');
  if (!firstChunk.startsWith('{')) throw new ProfileReadError('Not JSON: the file does not start with "{".');
  if (newline < 0 && HEADER_PREFIX.startsWith(firstChunk)) throw new ProfileReadError('Truncated: the header line is incomplete.');
  if (!firstChunk.startsWith(HEADER_PREFIX)) {
    throw new ProfileReadError(`Not a Request Profiler profile: the first line does not start with ${HEADER_PREFIX}.`);
  }
  if (newline < 0) throw new ProfileReadError('Truncated: the header line is incomplete.');
  const line = firstChunk.slice(0, newline).trimEnd();
  // The first line is the opening of the whole document: close it to parse it on its own.
  const opening = line.endsWith(',') ? line.slice(0, -1) + '}' : line;
  let parsed: { version?: unknown; header?: unknown };
  try {
    parsed = JSON.parse(opening);
  } catch (error) {
    throw new ProfileReadError(`The header line is not valid JSON (${(error as Error).message}).`);
  }
  if (parsed.version !== PROFILE_VERSION) {
    throw new ProfileReadError(
      `Unsupported profile version ${JSON.stringify(parsed.version)}: this extension reads version ${PROFILE_VERSION}. Update the extension or the middleware so they match.`,
    );
  }
  return validateHeader(parsed.header);
}

const REQUIRED: [keyof ProfileHeader, 'string' | 'number'][] = [
  ['id', 'string'],
  ['start', 'number'],
  ['wallMs', 'number'],
  ['method', 'string'],
  ['path', 'string'],
];

function validateHeader(value: unknown): ProfileHeader {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProfileReadError('The profile has no header object.');
  }
  const header = value as Record<string, unknown>;
  for (const [key, type] of REQUIRED) {
    if (typeof header[key] !== type) throw new ProfileReadError(`The header's "${key}" is missing or not a ${type}.`);
  }
  return header as unknown as ProfileHeader;
}

/** Parses a whole profile document, checking the parts every view relies on. */
export function parseProfileDocument(text: string): import('./profileFormat').ProfileDocument {
  const header = parseProfileHeader(text);
  let document: import('./profileFormat').ProfileDocument;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ProfileReadError(`Truncated or corrupt profile: ${(error as Error).message}.`);
  }
  const data = document.profile;
  if (!data || !Array.isArray(data.functions) || !Array.isArray(data.edges)) {
    throw new ProfileReadError('The profile has no "profile.functions" / "profile.edges" data.');
  }
  document.header = header;
  return document;
}
