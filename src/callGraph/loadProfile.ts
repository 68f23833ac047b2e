/**
 * Reads a profile file for the call graph, naming the file in every error, since the message
 * is shown without the context of the Profiles panel. The middleware's JSON is parsed with
 * parseProfileDocument and its bytes are kept, to be sent to the page as they are (see
 * CallGraphProfileBytes); pstats files go through the views' shared loader.
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { PROFILE_SUFFIX, type ProfileDocument } from '../core/profileFormat';
import { parseProfileDocument } from '../core/profileHeader';
import { loadProfile } from '../node/loadProfile';

export interface LoadedCallGraphProfile {
  document: ProfileDocument;
  /** The file's bytes when it is the middleware's JSON document. */
  bytes?: Uint8Array;
}

export async function loadProfileDocument(uri: vscode.Uri): Promise<LoadedCallGraphProfile> {
  const name = uri.path.split('/').pop() || uri.toString();
  if (uri.scheme !== 'file') throw new Error(`${name}: only files on disk can be opened (this one is ${uri.scheme}:).`);
  try {
    if (!uri.path.endsWith(PROFILE_SUFFIX)) return { document: (await loadProfile(uri.fsPath)).document };
    let bytes: Uint8Array;
    try {
      const buffer = await readFile(uri.fsPath);
      // A plain view, not the Buffer: VS Code sends typed arrays to a webview as bytes, but a
      // Buffer's toJSON turns it into a list of numbers first.
      bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      throw new Error((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file no longer exists.' : `cannot read the file (${(error as Error).message}).`);
    }
    return { document: parseProfileDocument(new TextDecoder('utf-8').decode(bytes)), bytes };
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.includes(uri.fsPath) ? message : `${name}: ${message}`);
  }
}
