/**
 * Errors a webview page did not catch where they happened: uncaught exceptions, unhandled
 * promise rejections, and failures the page catches but cannot recover from. Each becomes a
 * one-line reason the page shows and posts to the host (which shows and logs it), with the
 * stack as detail for the log. Both webviews use it.
 */

export interface PageError {
  /** What went wrong and why, for the user. */
  message: string;
  /** The stack, when there is one, for the log. */
  detail?: string;
}

/** The reason an error or rejection value gives: its message, else its text. */
export function errorReason(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (error instanceof ErrorEvent) return error.message || 'script error';
  try {
    return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
  } catch {
    return String(error);
  }
}

/** "what: reason", with the error's stack as detail. */
export function pageError(what: string, error: unknown): PageError {
  const stack = error instanceof Error ? error.stack : undefined;
  return { message: `${what}: ${errorReason(error)}`, ...(stack ? { detail: stack } : {}) };
}

/**
 * Calls report for every exception nothing caught and every rejection nothing handled on
 * this page from now on (what = "what failed" in the message). The browser's own console
 * message is kept, so developer tools still show the stack.
 */
export function reportUncaughtErrors(target: Window, what: string, report: (error: PageError) => void): void {
  target.addEventListener('error', (event) => {
    report(pageError(what, event.error ?? event));
  });
  target.addEventListener('unhandledrejection', (event) => {
    report(pageError(what, event.reason));
  });
}
