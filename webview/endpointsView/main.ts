/**
 * The Endpoints overview's script (bundled to dist/webview/endpointsView.js). The CSS imported
 * here (the page's own and the codicon font's) is bundled by esbuild to
 * dist/webview/endpointsView.css, which the host links.
 */
import '@vscode/codicons/dist/codicon.css';
import './endpointsView.css';
import type { EndpointsPageState } from '../../src/endpointsView/protocol';
import type { WebviewApi } from '../shared/vscodeApi';
import { EndpointsPage } from './page';

declare function acquireVsCodeApi(): WebviewApi<EndpointsPageState>;

new EndpointsPage(acquireVsCodeApi());
