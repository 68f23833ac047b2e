/**
 * The middleware's two engines as Set Up offers them: what each gives and what it costs, in the
 * words and figures of docs/middleware.md and docs/measurements.md (re-measure there, then here).
 * cProfile is the middleware's default, so only the sampling engine is ever written out. Pure.
 */

import type { ProfileEngine } from '../core/profileFormat';

/** The middleware's `engine` option: the engines a profile can record (the format's own type). */
export type Engine = ProfileEngine;

/** The environment variable the middleware reads, which overrides its `engine` option. */
export const ENGINE_VARIABLE = 'REQUEST_PROFILER_ENGINE';

export interface EngineChoice {
  engine: Engine;
  label: string;
  description: string;
  detail: string;
}

export const ENGINE_CHOICES: readonly EngineChoice[] = [
  {
    engine: 'cprofile',
    label: 'cProfile',
    description: 'exact call counts · the default',
    detail:
      'Every call counted. Slows call-heavy code 2-3x (1.8-3.2x measured on Python 3.10-3.13); on Python 3.12+ one request is profiled at a time per process; the call tree is an estimate where a function has several callers.',
  },
  {
    engine: 'sample',
    label: 'Sampling',
    description: 'real stacks, every request at once, low overhead',
    detail:
      'A sampler thread reads the stacks of every request at once, threads and asyncio alike. No call counts; code shorter than a few milliseconds may not show. Server CPU per 2 ms request 1.6-1.9x the bare app with each profile written (cProfile: 2.4-5.5x).',
  },
];
