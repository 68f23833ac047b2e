/**
 * The note handlers a view's host gives its page channel, wrapped the same way for every view:
 * a handler that fails is logged with its stack and shown to the user with its reason (a page's
 * message never fails silently), and the test hooks hear of each note once it is handled.
 */
import * as vscode from 'vscode';
import type { ChannelHandlers, ChannelSide } from '../core/webviewChannel';

export interface NoteHandlerWrapping {
  /** What the log line names: "call graph", "comparison". */
  logLabel: string;
  /** What the error message starts with: "Call graph", "Compare". */
  userLabel: string;
  log: { error(message: string): void };
  /** Told of every note after its handler ran (or failed): the test hooks. */
  heard(type: string, body: unknown): void;
}

export function loggedAndHeard<In extends ChannelSide>(notes: ChannelHandlers<In>['notes'], wrapping: NoteHandlerWrapping): ChannelHandlers<In>['notes'] {
  const wrapped: Record<string, (body: unknown) => Promise<void>> = {};
  for (const [type, handle] of Object.entries(notes) as [string, (body: unknown) => unknown][]) {
    wrapped[type] = async (body) => {
      try {
        await handle(body);
      } catch (error) {
        wrapping.log.error(`${wrapping.logLabel}: handling "${type}" failed: ${(error as Error).stack ?? error}`);
        void vscode.window.showErrorMessage(`${wrapping.userLabel}: ${(error as Error).message}`);
      } finally {
        wrapping.heard(type, body);
      }
    };
  }
  return wrapped as ChannelHandlers<In>['notes'];
}
