/**
 * Reads a profile's listing fields from the first line of its file, without parsing the rest,
 * and whole documents, checked once against the format's rules (validateProfile.ts).
 * Every way a file can be unusable gives a ProfileReadError whose message a user can act on.
 */
import { PROFILE_FORMAT, READABLE_PROFILE_VERSIONS, type ProfileDocument } from './profileFormat';
import { ProfileReadError } from './profileReadError';
import { validateHeader, validateProfileDocument, type CheckedHeader } from './validateProfile';

export { ProfileReadError };

const HEADER_PREFIX = `{"format":"${PROFILE_FORMAT}","version":`;

/** A byte-order mark some editors add when they save a file: not part of the JSON. */
function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parses the header from the start of a profile file.
 * @param firstChunk the file's first bytes decoded as text (at least its whole first line).
 */
export function parseProfileHeader(firstChunk: string): CheckedHeader {
  firstChunk = withoutByteOrderMark(firstChunk);
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
  if (typeof parsed.version !== 'number' || !READABLE_PROFILE_VERSIONS.includes(parsed.version)) {
    throw new ProfileReadError(
      `Unsupported profile version ${JSON.stringify(parsed.version)}: this extension reads versions ${READABLE_PROFILE_VERSIONS.join(' and ')}. Update the extension or the middleware so they match.`,
    );
  }
  return validateHeader(parsed.header);
}

/** Parses a whole profile document and checks it against the format (see validateProfile.ts). */
export function parseProfileDocument(text: string): ProfileDocument {
  text = withoutByteOrderMark(text);
  const header = parseProfileHeader(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ProfileReadError(`Truncated or corrupt profile: ${(error as Error).message}.`);
  }
  return validateProfileDocument(parsed, header);
}
