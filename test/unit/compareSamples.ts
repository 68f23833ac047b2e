/**
 * Two profiles of one request for the comparison tests: a 100 ms baseline (A) and the same
 * request after a change (B), written as cProfile would record them.
 */
import { edge, fn, profile } from './callTreeSamples';

/** handler (own 10 ms) → query (40 ms) and render (50 ms): a 100 ms request. */
export const BASELINE = profile(
  [fn('/app/app.py', 'handler', 1, 1, 10, 100), fn('/app/db.py', 'query', 2, 2, 40, 40, 'Database.query'), fn('/app/app.py', 'render', 1, 1, 50, 50)],
  [edge(0, 1, 2, 2, 40), edge(0, 2, 1, 1, 50)],
);

/** The same request after a change: query takes 160 ms, render 45 ms, and a new cache lookup 5 ms. */
export const CHANGED = profile(
  [
    fn('/app/app.py', 'handler', 1, 1, 10, 220),
    fn('/app/app.py', 'render', 1, 1, 45, 45),
    fn('/app/db.py', 'query', 8, 8, 160, 160, 'Database.query'),
    fn('/app/cache.py', 'lookup', 1, 1, 5, 5),
  ],
  [edge(0, 2, 8, 8, 160), edge(0, 1, 1, 1, 45), edge(0, 3, 1, 1, 5)],
);
