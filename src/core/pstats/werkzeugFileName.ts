/**
 * Reads what Werkzeug's ProfilerMiddleware(profile_dir=...) puts in its file names.
 *
 * Werkzeug 0.15+ (werkzeug/middleware/profiler.py) formats
 *   "{method}.{path}.{elapsed:.0f}ms.{time:.0f}.prof"
 * with path = PATH_INFO.strip("/").replace("/", ".") or "root", elapsed in milliseconds,
 * and time = time.time() taken after the request, when the file is named. Before 0.15
 * (werkzeug.contrib.profiler) it was "%(method)s.%(path)s.%(elapsed)06dms.%(time)d", with no
 * extension. Users may pass their own filename_format; "{elapsed:.3f}ms" is a common one.
 *
 * The names lose information, and the result says where: a "." in the path may have been a
 * "/" or a ".", trailing slashes are gone, the time is whole seconds, and "12.345ms" after a
 * numeric path segment reads either as 12.345 ms or as path ".../12" taking 345 ms.
 */

export interface WerkzeugFileName {
  method: string;
  /** The request path rebuilt from the name: "/" for "root", and every "." read as "/". */
  path: string;
  /** The path as the name holds it, e.g. "static.app.js" ("" for root). */
  dottedPath: string;
  /** True when the dotted path has a "." that may have been a "." rather than a "/". */
  pathAmbiguous: boolean;
  elapsedMs: number;
  /** True when the elapsed digits also fit the other elapsed format (see elapsedDecimals). */
  elapsedAmbiguous: boolean;
  /** Unix time (seconds, whole) when Werkzeug named the file, just after the request. */
  time: number;
}

/** How the elapsed milliseconds were formatted: 0 is Werkzeug's default, 3 is "{elapsed:.3f}". */
export type ElapsedDecimals = 0 | 3;

// method . path . elapsed ms . time [.prof]; the path is whatever lies between.
const NAME = /^([^./\\]+)\.(.+)\.(\d+)ms\.(\d+(?:\.\d+)?)(?:\.prof)?$/;
// The same name read with "{elapsed:.3f}": the path ends one dot-segment earlier.
const NAME_3F = /^([^./\\]+)\.(.+)\.(\d+\.\d{3})ms\.(\d+(?:\.\d+)?)(?:\.prof)?$/;

/**
 * Parses a Werkzeug profile file name (the base name, without directories); undefined if
 * the name is not in a Werkzeug format.
 * @param elapsedDecimals the format the directory's names use (see inferElapsedDecimals).
 *   Without it, where both readings fit, the default format wins unless the other one
 *   reads the path as "root" ("GET.root.12.345ms" is "/" taking 12.345 ms, not "/root/12").
 */
export function parseWerkzeugFileName(name: string, elapsedDecimals?: ElapsedDecimals): WerkzeugFileName | undefined {
  const integer = NAME.exec(name);
  const milliseconds = NAME_3F.exec(name);
  let match: RegExpExecArray | null;
  if (elapsedDecimals === 3) match = milliseconds;
  else if (elapsedDecimals === 0) match = integer;
  else match = milliseconds && milliseconds[2] === 'root' ? milliseconds : integer;
  if (!match) return undefined;
  const [, method, dottedName, elapsed, time] = match;
  const dottedPath = dottedName === 'root' ? '' : dottedName;
  return {
    method,
    path: '/' + dottedPath.split('.').join('/'),
    dottedPath,
    pathAmbiguous: dottedPath.includes('.'),
    elapsedMs: Number(elapsed),
    elapsedAmbiguous: integer !== null && milliseconds !== null,
    time: Number(time),
  };
}

/**
 * The elapsed format of a directory of Werkzeug names (one middleware writes them all).
 * Every name in the default format also fits "{elapsed:.3f}" when its path ends in a number
 * and it took 100-999 ms, so one such name proves little: 3 decimals only when every
 * Werkzeug name fits that format and either two or more do or one of them reads as "root".
 */
export function inferElapsedDecimals(names: readonly string[]): ElapsedDecimals {
  let fitting = 0;
  let root = false;
  for (const name of names) {
    if (!NAME.test(name)) continue;
    const milliseconds = NAME_3F.exec(name);
    if (!milliseconds) return 0;
    fitting++;
    if (milliseconds[2] === 'root') root = true;
  }
  return fitting >= 2 || root ? 3 : 0;
}
