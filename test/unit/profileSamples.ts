/** Small, hand-made profiles for unit tests of the list and the header reader. */
import * as assert from 'node:assert/strict';
import type { ProfileData, ProfileHeader } from '../../src/core/profileFormat';
import { documentHeader, profileDocumentText } from '../support/profileDocument.mjs';
import { parseProfileDocument, ProfileReadError } from '../../src/core/profileHeader';

let counter = 0;

/** What every sample profile holds: a handler that calls len three times. */
const SAMPLE_DATA: ProfileData = {
  functions: [
    { file: '/app/app.py', line: 1, name: 'handler', qualname: 'handler', cc: 1, nc: 1, tt: 0.001, ct: 0.011 },
    { file: '~', line: 0, name: '<built-in method builtins.len>', qualname: null, cc: 3, nc: 3, tt: 0.01, ct: 0.01 },
  ],
  edges: [[0, 1, 3, 3, 0.01, 0.01]],
  notes: [],
};

export function makeHeader(overrides: Partial<ProfileHeader> = {}): ProfileHeader {
  counter++;
  return documentHeader(SAMPLE_DATA, { id: `id-${counter}`, start: 1_700_000_000 + counter, ...overrides });
}

/** The text of a profile file laid out as the middleware writes it (header on line 1). */
export function profileText(header: ProfileHeader): string {
  return profileDocumentText(header, SAMPLE_DATA);
}

/** Lays a (possibly broken) parsed document out as the middleware does: its header on line 1. */
export function documentText(document: Record<string, unknown>): string {
  const { format, version, header, ...rest } = document;
  return `{"format":${JSON.stringify(format)},"version":${JSON.stringify(version)},"header":${JSON.stringify(header)},\n${JSON.stringify(rest).slice(1)}\n`;
}

/** Why the reader refuses a profile's text (fails the test if it accepts it). */
export function refusal(text: string): string {
  try {
    parseProfileDocument(text);
  } catch (error) {
    assert.ok(error instanceof ProfileReadError, `threw ${String(error)}, not a ProfileReadError`);
    return error.message;
  }
  return assert.fail('the document was accepted');
}
