/**
 * Reads a profile file for the call graph through the views' one loader
 * (src/node/loadProfile.ts), naming the file in every error, since the message is shown without
 * the context of the Profiles panel. The middleware's JSON keeps its bytes, to be sent to the
 * page as they are (see CallGraphProfileBytes).
 */
import * as vscode from 'vscode';
import type { ProfileDocument } from '../core/profileFormat';
import { loadProfile } from '../node/loadProfile';
import type { ReadLimits } from '../node/readLimits';

export interface LoadedCallGraphProfile {
  document: ProfileDocument;
  /** The file's bytes when it is the middleware's JSON document. */
  bytes?: Uint8Array;
}

export async function loadProfileDocument(uri: vscode.Uri, limits: ReadLimits): Promise<LoadedCallGraphProfile> {
  const name = uri.path.split('/').pop() || uri.toString();
  if (uri.scheme !== 'file') throw new Error(`${name}: only files on disk can be opened (this one is ${uri.scheme}:).`);
  try {
    const { document, bytes } = await loadProfile(uri.fsPath, limits);
    return { document, bytes };
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith(name) ? message : `${name}: ${message}`);
  }
}
