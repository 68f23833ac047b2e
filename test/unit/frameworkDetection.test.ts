import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { declaredFrameworks, describeApp, detectFrameworks, moduleOf, type WorkspaceFile } from '../../src/core/frameworkDetection';
import { formatCommandLine, splitCommandLine, usualCommand } from '../../src/setup/usualCommand';

const SAMPLES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'setup-workspaces');

/** Every file of a sample project, as the host would pass them (relative, '/' separated). */
function sample(name: string): WorkspaceFile[] {
  const root = path.join(SAMPLES, name);
  return (fs.readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((p) => fs.statSync(path.join(root, p)).isFile())
    .map((p) => ({ path: p.split(path.sep).join('/'), text: fs.readFileSync(path.join(root, p), 'utf8') }));
}

function files(entries: Record<string, string>): WorkspaceFile[] {
  return Object.entries(entries).map(([p, text]) => ({ path: p, text }));
}

describe('framework detection on the sample workspaces', () => {
  it('Flask: app:app from app = Flask(__name__), high confidence, evidence from requirements and the source', () => {
    const [best, ...rest] = detectFrameworks(sample('flask'));
    assert.equal(best.framework, 'flask');
    assert.equal(best.confidence, 'high');
    assert.equal(describeApp(best), 'app:app');
    assert.deepEqual({ root: best.app!.root, file: best.app!.file, line: best.app!.line }, { root: '', file: 'app.py', line: 4 });
    assert.ok(
      best.evidence.some((e) => e.file === 'requirements.txt' && e.line === 1 && /Flask>=2\.2/.test(e.what)),
      JSON.stringify(best.evidence),
    );
    assert.ok(best.evidence.some((e) => e.file === 'app.py' && e.what === 'app = Flask(__name__)'));
    assert.deepEqual(rest, [], 'gunicorn is no framework');
  });

  it('Django: manage.py, the settings module and the wsgi.py named by WSGI_APPLICATION', () => {
    const candidates = detectFrameworks(sample('django'));
    assert.equal(candidates.length, 1, JSON.stringify(candidates));
    const [django] = candidates;
    assert.equal(django.framework, 'django');
    assert.equal(django.confidence, 'high');
    assert.equal(django.app?.file, 'manage.py');
    assert.equal(django.app?.root, '');
    assert.equal(django.app?.settingsModule, 'mysite.settings');
    assert.equal(django.app?.wsgiFile, 'mysite/wsgi.py');
    assert.ok(django.evidence.some((e) => e.file === 'pyproject.toml' && /Django>=3\.2,<5/.test(e.what)));
    assert.ok(django.evidence.some((e) => e.file === 'mysite/settings.py' && /WSGI_APPLICATION/.test(e.what)));
    assert.ok(!django.evidence.some((e) => /pytest-django|requests/.test(e.what)), 'other dependencies are not evidence');
  });

  it('FastAPI: main:app from a multi-line FastAPI(...) call; its starlette imports make no Starlette candidate', () => {
    const candidates = detectFrameworks(sample('fastapi'));
    assert.deepEqual(
      candidates.map((c) => c.framework),
      ['fastapi'],
    );
    assert.equal(describeApp(candidates[0]), 'main:app');
    assert.equal(candidates[0].confidence, 'high');
    assert.ok(candidates[0].evidence.some((e) => e.file === 'Pipfile' && /^declares fastapi = /.test(e.what)));
  });

  it('Starlette: a src/ layout package gives module shop.app run from src', () => {
    const [best] = detectFrameworks(sample('starlette'));
    assert.equal(best.framework, 'starlette');
    assert.equal(best.app?.root, 'src');
    assert.equal(best.app?.file, 'src/shop/app.py');
    assert.equal(describeApp(best), 'shop.app:app');
    assert.ok(best.evidence.some((e) => e.file === 'setup.cfg' && e.what === 'declares starlette>=0.20'));
  });

  it('Pyramid: development.ini first, production.ini (a pipeline) after, both high', () => {
    const candidates = detectFrameworks(sample('pyramid'));
    assert.deepEqual(
      candidates.map((c) => [c.framework, c.app?.file, c.confidence]),
      [
        ['pyramid', 'development.ini', 'high'],
        ['pyramid', 'production.ini', 'high'],
      ],
    );
    assert.equal(candidates[0].app?.line, 5, 'the [app:main] header');
    assert.ok(candidates[0].evidence.some((e) => e.what === 'use = egg:tutorial'));
    assert.ok(candidates[0].evidence.some((e) => e.file === 'setup.py' && e.what === 'declares pyramid'));
    assert.ok(candidates[1].evidence.some((e) => e.what === '[pipeline:main]'));
  });

  it('finds nothing in a workspace without a web framework', () => {
    assert.deepEqual(detectFrameworks(files({ 'tool.py': 'import argparse\n', 'requirements.txt': 'requests\n' })), []);
  });
});

describe('framework detection: the shapes projects take', () => {
  it('a Flask factory is pkg:create_app() with lower confidence than a module-level app', () => {
    const candidates = detectFrameworks(
      files({
        'web/__init__.py':
          'from flask import Flask\n\n\ndef create_app(config=None):\n    app = Flask(__name__)\n    if config:\n        app.config.update(config)\n    return app\n',
        'scripts/serve.py': 'import flask\napplication = flask.Flask("x")\n',
      }),
    );
    assert.deepEqual(
      candidates.map((c) => [describeApp(c), c.score]),
      [
        ['serve:application', 0.7],
        ['web:create_app()', 0.6],
      ],
    );
    assert.equal(candidates[1].app?.factory, true);
    assert.equal(candidates[1].app?.root, '');
    assert.equal(candidates[0].app?.root, 'scripts');
  });

  it('an app made under `if` at module level is not a factory; one inside a def nested in a block is', () => {
    const [moduleLevel] = detectFrameworks(files({ 'a.py': 'from fastapi import FastAPI\nif True:\n    app = FastAPI()\n' }));
    assert.equal(describeApp(moduleLevel), 'a:app');
    const [nested] = detectFrameworks(
      files({ 'b.py': 'from fastapi import FastAPI\ndef build():\n    if True:\n        # comment\n        api = FastAPI()\n    return api\n' }),
    );
    assert.equal(describeApp(nested), 'b:build()');
  });

  it('an annotated assignment and a module-qualified constructor count', () => {
    const [c] = detectFrameworks(
      files({ 'svc.py': 'import starlette.applications\napp: starlette.applications.Starlette = starlette.applications.Starlette()\n' }),
    );
    assert.equal(c.framework, 'starlette');
    assert.equal(describeApp(c), 'svc:app');
  });

  it('Starlette stays a candidate beside FastAPI when it has an app object of its own', () => {
    const found = detectFrameworks(
      files({
        'api.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
        'admin.py': 'from starlette.applications import Starlette\nadmin = Starlette()\n',
      }),
    );
    assert.deepEqual(found.map((c) => describeApp(c)).sort(), ['admin:admin', 'api:app']);
  });

  it('an import alone is a low-confidence candidate without an app; a dependency alone a medium one', () => {
    assert.deepEqual(
      detectFrameworks(files({ 'x.py': 'from pyramid.config import Configurator\n' })).map((c) => [c.framework, c.confidence, c.app]),
      [['pyramid', 'low', undefined]],
    );
    assert.deepEqual(
      detectFrameworks(files({ 'requirements/base.txt': 'django==4.2\n' })).map((c) => [c.framework, c.confidence]),
      [['django', 'medium']],
    );
  });

  it('a Pyramid app made in Python (no .ini) is found by make_wsgi_app', () => {
    const [c] = detectFrameworks(
      files({
        'serve.py':
          'from pyramid.config import Configurator\nwith Configurator() as config:\n    config.add_route("x", "/")\n    app = config.make_wsgi_app()\n',
      }),
    );
    assert.equal(c.framework, 'pyramid');
    assert.equal(describeApp(c), 'serve:app');
  });

  it('Django without WSGI_APPLICATION in settings falls back to the wsgi.py beside the settings', () => {
    const [c] = detectFrameworks(
      files({
        'backend/manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.dev")\n',
        'backend/proj/__init__.py': '',
        'backend/proj/settings/__init__.py': '',
        'backend/proj/settings/dev.py': 'DEBUG = True\n',
        'backend/proj/wsgi.py': 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n',
      }),
    );
    assert.equal(c.app?.root, 'backend');
    assert.equal(c.app?.settingsModule, 'proj.settings.dev');
    assert.equal(c.app?.wsgiFile, 'backend/proj/wsgi.py');
  });

  it('a .ini without an egg: main app (pytest.ini, tox.ini) is not Pyramid', () => {
    assert.deepEqual(detectFrameworks(files({ 'pytest.ini': '[pytest]\naddopts = -q\n', 'tox.ini': '[tox]\nenvlist = py311\n' })), []);
  });

  it('moduleOf walks up through packages only', () => {
    const packages = new Set(['src/shop', 'src/shop/api']);
    assert.deepEqual(moduleOf('src/shop/api/v1.py', packages), { root: 'src', module: 'shop.api.v1' });
    assert.deepEqual(moduleOf('src/shop/__init__.py', packages), { root: 'src', module: 'shop' });
    assert.deepEqual(moduleOf('main.py', packages), { root: '', module: 'main' });
  });
});

describe('declared dependencies', () => {
  const names = (p: string, text: string) => declaredFrameworks({ path: p, text }).map((d) => [d.framework, d.evidence.line]);

  it('requirements files: comments, options, extras, markers and odd spelling', () => {
    const text =
      '# comment flask\n-r base.txt\n--hash=sha256:abc\nFlask[async] >= 2 ; python_version > "3.8"\nfast_api\nFastAPI\nstarlette==0.27  # pinned\n-e git+https://example.invalid/pyramid.git#egg=pyramid\n';
    assert.deepEqual(names('requirements-dev.txt', text), [
      ['flask', 3],
      ['fastapi', 5],
      ['starlette', 6],
    ]);
    assert.deepEqual(names('notes.txt', 'flask\n'), [], 'only requirements files');
  });

  it('pyproject.toml: PEP 621 arrays, optional dependencies and Poetry tables; not other sections', () => {
    const text = [
      '[project]',
      'name = "flask-thing"',
      'dependencies = ["fastapi>=0.100", \'uvicorn\']',
      '',
      '[project.optional-dependencies]',
      'web = [',
      '  "starlette",',
      ']',
      '',
      '[tool.poetry.dependencies]',
      'python = "^3.11"',
      'Django = "^4.2"',
      '',
      '[tool.poetry.group.dev.dependencies]',
      'pyramid = "*"',
      '',
      '[tool.ruff]',
      'flask = 1',
    ].join('\n');
    assert.deepEqual(names('pyproject.toml', text), [
      ['fastapi', 2],
      ['starlette', 6],
      ['django', 11],
      ['pyramid', 14],
    ]);
  });

  it('setup.cfg install_requires on the first line and indented lines; setup.py install_requires', () => {
    assert.deepEqual(names('setup.cfg', '[options]\ninstall_requires = flask\n    Django>=4\n\n[other]\nx = pyramid\n'), [
      ['flask', 1],
      ['django', 2],
    ]);
    assert.deepEqual(names('setup.py', 'setup(\n    name="pyramid-tools",\n    install_requires=["fastapi",\n        "pyramid>=2"],\n)\n'), [
      ['fastapi', 2],
      ['pyramid', 3],
    ]);
    assert.deepEqual(names('setup.py', 'requires = [\n    "flask",\n]\ntests = ["pyramid"]\nsetup(install_requires=requires)\n'), [['flask', 1]]);
  });
});

describe('the usual command a detected app implies', () => {
  const usual = (name: string) => detectFrameworks(sample(name)).map((c) => formatCommandLine(usualCommand(c)));

  it('is python -m <server> with the detected target, run from the app root', () => {
    assert.deepEqual(usual('flask'), ['python -m flask --app app:app run']);
    assert.deepEqual(usual('django'), ['python manage.py runserver']);
    assert.deepEqual(usual('fastapi'), ['python -m uvicorn main:app']);
    assert.deepEqual(usual('starlette'), ['python -m uvicorn shop.app:app']);
    assert.deepEqual(usual('pyramid'), ['python -m pyramid.scripts.pserve development.ini', 'python -m pyramid.scripts.pserve production.ini']);
  });

  it('calls factories the way each server wants them', () => {
    const factory = { root: '', file: 'web/__init__.py', module: 'web', object: 'create_app', factory: true };
    assert.deepEqual(usualCommand({ framework: 'flask', app: factory }), ['python', '-m', 'flask', '--app', 'web:create_app()', 'run']);
    assert.deepEqual(usualCommand({ framework: 'fastapi', app: factory }), ['python', '-m', 'uvicorn', '--factory', 'web:create_app']);
    assert.equal(formatCommandLine(usualCommand({ framework: 'flask', app: factory })), "python -m flask --app 'web:create_app()' run");
  });

  it('splits what the user edits back into arguments, quotes included', () => {
    assert.deepEqual(splitCommandLine(`python -m flask --app 'web:create_app()' run --host "0.0.0.0" a\\ b ""`), [
      'python',
      '-m',
      'flask',
      '--app',
      'web:create_app()',
      'run',
      '--host',
      '0.0.0.0',
      'a b',
      '',
    ]);
    assert.throws(() => splitCommandLine('flask "run'), /unterminated double quote/);
    for (const argv of [['x', "it's", 'a b', '$HOME', '']]) assert.deepEqual(splitCommandLine(formatCommandLine(argv)), argv);
  });
});
