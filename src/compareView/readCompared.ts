/**
 * Reads a profile for the diff view through the views' one loader (src/node/loadProfile.ts),
 * with the same size limits and errors as opening a profile, naming the file in every error:
 * for "Compare With…" and for the serializer that reopens a comparison after a reload.
 */
import type * as vscode from 'vscode';
import { loadProfile } from '../node/loadProfile';
import type { ReadLimits } from '../node/readLimits';
import type { ProfileDocument } from '../core/profileFormat';

/** A profile the host read for a comparison: its file and its parsed document. */
export interface ComparedFile {
  uri: vscode.Uri;
  document: ProfileDocument;
}

export async function readForCompare(uri: vscode.Uri, limits: ReadLimits): Promise<ComparedFile> {
  const name = uri.path.split('/').pop() || uri.toString();
  if (uri.scheme !== 'file') throw new Error(`${name}: only files on disk can be compared (this one is ${uri.scheme}:).`);
  try {
    const { document } = await loadProfile(uri.fsPath, limits);
    return { uri, document };
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith(name) ? message : `${name}: ${message}`);
  }
}
