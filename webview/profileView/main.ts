/**
 * The profile view's script (bundled to dist/webview/profileView.js). The CSS imported here
 * (the page's own and the codicon font's) is bundled by esbuild to dist/webview/profileView.css,
 * which the host links.
 */
import '@vscode/codicons/dist/codicon.css';
import './profileView.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { WebviewApi } from '../shared/vscodeApi';
import { ProfileViewApp } from './app';

declare function acquireVsCodeApi(): WebviewApi<unknown>;

new ProfileViewApp(acquireVsCodeApi());
