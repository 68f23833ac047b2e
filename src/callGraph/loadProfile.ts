/**
 * Reads a profile file for the call graph with the views' shared loader (the middleware's JSON
 * through parseProfileDocument, or a pstats file), naming the file in every error, since the
 * message is shown without the context of the Profiles panel.
 */
import * as vscode from 'vscode';
import type { ProfileDocument } from '../core/profileFormat';
import { loadProfile } from '../node/loadProfile';

export async function loadProfileDocument(uri: vscode.Uri): Promise<ProfileDocument> {
  const name = uri.path.split('/').pop() || uri.toString();
  if (uri.scheme !== 'file') throw new Error(`${name}: only files on disk can be opened (this one is ${uri.scheme}:).`);
  try {
    return (await loadProfile(uri.fsPath)).document;
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.includes(uri.fsPath) ? message : `${name}: ${message}`);
  }
}
