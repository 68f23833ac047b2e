// ESLint 9 flat config: `npm run lint`.
// The layering rules say what each folder may import where tsconfig cannot see it (a relative
// import into another layer type-checks under the importer's settings when they allow its APIs):
//   src/core   the pure core: ECMAScript only (it runs in the extension host and in the webviews)
//   src/node   the Node-side profile library: core and Node, no vscode (the benches run it bare)
//   src/...    the extension host: everything under src, never webview/
//   webview    the pages: src/core and the protocol files, no Node, no vscode
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = {
  paths: builtinModules.map((name) => ({ name, message: 'Node APIs are for the extension host (src/, outside src/core).' })),
  node: { group: ['node:*'], message: 'Node APIs are for the extension host (src/, outside src/core).' },
};
const noVscode = { name: 'vscode', message: 'vscode is for the extension host (src/, outside src/core and src/node).' };

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', '.vscode-test/', 'test-results/', 'python/', 'demo/', '.profiles/', '.demo/'] },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: { parser: tseslint.parser },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode, ...nodeBuiltins.paths],
        patterns: [
          nodeBuiltins.node,
          { regex: '^(\\.\\./)+(host|node|callTree|callGraph|setup|extension|webview|test|bench)(/|$)', message: 'src/core imports only src/core: it is the bottom layer.' },
        ],
      }],
    },
  },
  {
    files: ['src/node/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [
          { regex: '^(\\.\\./)+(host|callTree|callGraph|setup|extension|webview|test|bench)(/|$)', message: 'src/node imports only src/core and Node.' },
        ],
      }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/core/**', 'src/node/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(\\.\\./)+(webview|test|bench)(/|$)', message: 'The extension host does not import the pages, tests or benches.' },
        ],
      }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode, ...nodeBuiltins.paths],
        patterns: [
          nodeBuiltins.node,
          {
            regex: '^(\\.\\./)+(src/(?!core/|callTree/protocol$|callGraph/protocol$)|test/|bench/)',
            message: 'A page imports src/core and the protocol files (src/*/protocol.ts), nothing else of the host.',
          },
        ],
      }],
    },
  },
);
