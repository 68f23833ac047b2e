// ESLint 9 flat config: `npm run lint` (src, webview, test, bench). typescript-eslint's recommended
// rules without type information: the type-aware set took three times as long here (29 s of CPU
// against 10 s, December 2026) and found mostly `any` in tests; tsc checks types (npm run typecheck).
//
// The layering, what each folder may import, where the compiler settings (each layer's
// tsconfig.json) cannot see it: a relative import into another folder type-checks whenever the
// importer's settings allow the APIs that folder uses. From the bottom up:
//   src/core          the pure core: ECMAScript only (it runs in the extension host and the webviews)
//   src/node          the Node-side profile library: core and Node, no vscode (the benches run it bare)
//   src/host          VS Code services the views share (settings, source, the Profiles panel)
//   src/profileView, src/callGraph, src/compareView, src/endpointsView, src/setup   one feature each, side by side: none imports another
//   src/extension.ts  wires them; src/contributions.ts names the ids they share with package.json
//   webview           the pages: src/core and the protocol files, no Node, no vscode
//   test, bench       anything of the above; bench may use test/support, never the reverse
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const NODE_MESSAGE = 'Node APIs are for the extension host (src/, outside src/core).';
const nodeBuiltins = builtinModules.map((name) => ({ name, message: NODE_MESSAGE }));
const nodePrefixed = { group: ['node:*'], message: NODE_MESSAGE };
const noVscode = { name: 'vscode', message: 'vscode is for the extension host (src/, outside src/core and src/node).' };

/** A relative import that reaches one of these folders (or files) beside the importer's own. */
function sideways(folders, message) {
  return { regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message };
}

/** no-restricted-imports for these files. */
function layer(files, { paths = [], patterns = [] }, ignores = []) {
  return { files, ignores, rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
}

const FEATURES = ['profileView', 'callGraph', 'compareView', 'endpointsView', 'setup'];
const OUTSIDE_SRC = ['webview', 'test', 'bench'];

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', '.vscode-test/', 'test-results/', 'python/', 'demo/', '.profiles/', '.demo/'] },
  {
    files: ['**/*.{ts,mts,mjs}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      // TypeScript resolves names in .ts files; the .mjs scripts run under Node, whose globals ESLint
      // would need listed (typescript-eslint's advice: https://typescript-eslint.io/troubleshooting/faqs/eslint).
      'no-undef': 'off',
    },
  },
  layer(['src/core/**/*.ts'], {
    paths: [noVscode, ...nodeBuiltins],
    patterns: [
      nodePrefixed,
      sideways(['host', 'node', ...FEATURES, 'extension', 'contributions', ...OUTSIDE_SRC], 'src/core imports only src/core: it is the bottom layer.'),
    ],
  }),
  layer(['src/node/**/*.ts'], {
    paths: [noVscode],
    patterns: [sideways(['host', ...FEATURES, 'extension', 'contributions', ...OUTSIDE_SRC], 'src/node imports only src/core and Node.')],
  }),
  layer(['src/host/**/*.ts'], {
    patterns: [
      sideways(
        [...FEATURES, 'extension', ...OUTSIDE_SRC],
        'src/host serves the features (src/profileView, src/callGraph, src/setup) and imports none of them.',
      ),
    ],
  }),
  ...FEATURES.map((feature) =>
    layer([`src/${feature}/**/*.ts`], {
      patterns: [
        sideways(
          [...FEATURES.filter((other) => other !== feature), 'extension'],
          `src/${feature} imports no other feature: shared ids are in src/contributions.ts, shared services in src/host.`,
        ),
        sideways(OUTSIDE_SRC, 'The extension host does not import the pages, tests or benches.'),
      ],
    }),
  ),
  layer(['src/*.ts'], { patterns: [sideways(OUTSIDE_SRC, 'The extension host does not import the pages, tests or benches.')] }),
  layer(['webview/**/*.ts'], {
    paths: [noVscode, ...nodeBuiltins],
    patterns: [
      nodePrefixed,
      {
        regex: '^(\\.\\./)+(src/(?!core/|profileView/protocol$|callGraph/protocol$|compareView/protocol$|endpointsView/protocol$)|test/|bench/)',
        message: 'A page imports src/core and the protocol files (src/*/protocol.ts), nothing else of the host.',
      },
    ],
  }),
  layer(['test/**/*.ts', 'test/**/*.mts', 'test/**/*.mjs'], {
    patterns: [sideways(['bench'], 'Tests do not import benches: shared generators live in test/support.')],
  }),
);
