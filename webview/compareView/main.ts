/**
 * The diff view's script (bundled to dist/webview/compareView.js). The CSS imported here (the
 * page's own and the codicon font's) is bundled by esbuild to dist/webview/compareView.css,
 * which the host links.
 */
import '@vscode/codicons/dist/codicon.css';
import './compareView.css';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import type { ComparePageState } from '../../src/compareView/protocol';
import type { WebviewApi } from '../shared/vscodeApi';
import { ComparePage } from './page';

declare function acquireVsCodeApi(): WebviewApi<ComparePageState>;

new ComparePage(acquireVsCodeApi());
