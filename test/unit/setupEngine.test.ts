// The engine Set Up writes: `engine="sample"` (or PasteDeploy's `engine = sample`, or
// REQUEST_PROFILER_ENGINE=sample for the run wrapper) when sampling is chosen, nothing for
// cProfile (the middleware's default), on the sample projects of test/fixtures/setup-workspaces.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Framework } from '../../src/core/frameworkDetection';
import { ENGINE_CHOICES, type Engine } from '../../src/setup/engines';
import { launchConfiguration, profileTask, type RunPlan } from '../../src/setup/runConfigurations';
import { snippetFor, type SnippetPlan } from '../../src/setup/snippets';

const SAMPLES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'setup-workspaces');

/** The file's text after the snippet's edits, applied bottom up as the host's WorkspaceEdit does. */
function applied(text: string, plan: SnippetPlan): string {
  const lines = text.split('\n');
  for (const edit of [...plan.edits].sort((a, b) => b.line - a.line)) {
    lines.splice(edit.line, edit.removeLines, ...(edit.text ? edit.text.replace(/\n$/, '').split('\n') : []));
  }
  return lines.join('\n');
}

function snippet(sample: string, framework: Framework, file: string, engine: Engine): { plan: SnippetPlan; text: string } {
  const text = fs.readFileSync(path.join(SAMPLES, sample, file), 'utf8');
  const plan = snippetFor(framework, file, text, '.profiles', '%(here)s/.profiles', engine);
  assert.ok(!('problem' in plan), JSON.stringify(plan));
  return { plan, text: applied(text, plan) };
}

describe('Set Up: the engine in the lines added to the app', () => {
  const python = [
    { sample: 'flask', framework: 'flask', file: 'app.py', line: 'app.wsgi_app = ProfilerMiddleware(app.wsgi_app, profile_dir=".profiles"' },
    { sample: 'django', framework: 'django', file: 'mysite/wsgi.py', line: 'application = ProfilerMiddleware(application, profile_dir=".profiles"' },
    { sample: 'fastapi', framework: 'fastapi', file: 'main.py', line: 'app.add_middleware(ASGIProfilerMiddleware, profile_dir=".profiles"' },
    { sample: 'starlette', framework: 'starlette', file: 'src/shop/app.py', line: 'app.add_middleware(ASGIProfilerMiddleware, profile_dir=".profiles"' },
  ] as const;
  for (const { sample, framework, file, line } of python) {
    it(`${framework}: engine="sample" in the middleware's arguments when sampling is chosen, nothing for cProfile`, () => {
      const sampled = snippet(sample, framework, file, 'sample');
      const added = sampled.text.split('\n').find((l) => l.includes(line));
      assert.ok(added, sampled.text);
      assert.match(added, /, engine="sample"\)$/);
      assert.ok(sampled.plan.added.endsWith(', engine="sample")'), sampled.plan.added);
      assert.ok(sampled.plan.shown.endsWith(', engine="sample")'), sampled.plan.shown);
      const exact = snippet(sample, framework, file, 'cprofile');
      assert.equal(exact.text.includes('engine'), false, exact.text);
      assert.equal(exact.text.replace(/\n/g, ''), sampled.text.replace(/, engine="sample"/, '').replace(/\n/g, ''));
    });
  }

  it('Pyramid in Python: engine="sample" after app = config.make_wsgi_app()', () => {
    const text = 'from pyramid.config import Configurator\n\nwith Configurator() as config:\n    app = config.make_wsgi_app()\n';
    const plan = snippetFor('pyramid', 'serve.py', text, '.profiles', '%(here)s/.profiles', 'sample');
    assert.ok(!('problem' in plan), JSON.stringify(plan));
    assert.ok(
      applied(text, plan).includes('    app = config.make_wsgi_app()\n    app = ProfilerMiddleware(app, profile_dir=".profiles", engine="sample")\n'),
      applied(text, plan),
    );
    const exact = snippetFor('pyramid', 'serve.py', text, '.profiles', '%(here)s/.profiles', 'cprofile');
    assert.ok(!('problem' in exact) && exact.added.endsWith('ProfilerMiddleware(app, profile_dir=".profiles")'), JSON.stringify(exact));
  });

  it('Pyramid development.ini: engine = sample in the [filter-app:profile] section', () => {
    const { text } = snippet('pyramid', 'pyramid', 'development.ini', 'sample');
    assert.ok(
      text.includes('[filter-app:profile]\nuse = egg:request-profiler#profile\nprofile_dir = %(here)s/.profiles\nengine = sample\nnext = main\n'),
      text,
    );
    assert.equal(snippet('pyramid', 'pyramid', 'development.ini', 'cprofile').text.includes('engine'), false);
  });

  it('Pyramid production.ini: engine = sample in the [filter:request_profiler] section', () => {
    const { text } = snippet('pyramid', 'pyramid', 'production.ini', 'sample');
    assert.ok(
      text.includes('[filter:request_profiler]\nuse = egg:request-profiler#profile\nprofile_dir = %(here)s/.profiles\nengine = sample\n\n[pipeline:main]\n'),
      text,
    );
    assert.equal(snippet('pyramid', 'pyramid', 'production.ini', 'cprofile').text.includes('engine'), false);
  });
});

describe('Set Up: the engine in the run wrapper’s launch configuration and task', () => {
  const plan = (engine?: Engine): RunPlan => ({
    framework: 'flask',
    appName: 'app:app',
    root: '',
    command: ['python', '-m', 'flask', '--app', 'app:app', 'run'],
    profileDir: '${workspaceFolder}/.profiles',
    interpreter: 'python3',
    bundledPath: '${command:requestProfiler.bundledPythonPath}',
    debugType: 'debugpy',
    engine,
  });

  it('sampling: REQUEST_PROFILER_ENGINE=sample beside PYTHONPATH, on POSIX and Windows, in both', () => {
    const launch = launchConfiguration(plan('sample')) as { env: Record<string, string>; windows: { env: Record<string, string> } };
    const task = profileTask(plan('sample')) as {
      options: { env: Record<string, string> };
      windows: { options: { env: Record<string, string> } };
      detail: string;
    };
    for (const env of [launch.env, launch.windows.env, task.options.env, task.windows.options.env]) {
      assert.equal(env.REQUEST_PROFILER_ENGINE, 'sample');
      assert.match(env.PYTHONPATH, /^\$\{command:requestProfiler\.bundledPythonPath\}[:;]\$\{env:PYTHONPATH\}$/);
    }
    assert.match(task.detail, /every request sampled into/);
  });

  it('cProfile (chosen or not asked): no engine variable at all, the environment as before', () => {
    for (const engine of ['cprofile', undefined] as const) {
      const launch = launchConfiguration(plan(engine)) as { env: Record<string, string> };
      const task = profileTask(plan(engine)) as { options: { env: Record<string, string> } };
      assert.deepEqual(launch.env, { PYTHONPATH: '${command:requestProfiler.bundledPythonPath}:${env:PYTHONPATH}' });
      assert.deepEqual(task.options.env, launch.env);
    }
  });
});

describe('Set Up: the engine choice says what each engine costs', () => {
  it('offers cProfile first (the default), then sampling, each with its measured cost', () => {
    assert.deepEqual(
      ENGINE_CHOICES.map((c) => c.engine),
      ['cprofile', 'sample'],
    );
    const [cprofile, sample] = ENGINE_CHOICES;
    assert.match(cprofile.detail, /2-3x/);
    assert.match(cprofile.detail, /3\.12\+ one request .* at a time/);
    assert.match(sample.detail, /No call counts/);
    assert.match(sample.detail, /1\.6-1\.9x/);
  });
});
