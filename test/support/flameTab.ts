/** The Flame tab of a page in the webview page tests (the profile view's and the diff view's). */
import type { Page } from 'playwright-core';

/** Shows the Flame tab and waits for its canvas to have drawn frames. */
export async function showFlameTab(page: Page): Promise<void> {
  await page.locator('vscode-tab-header', { hasText: 'Flame' }).click();
  await page.waitForFunction(() => {
    const canvas = document.querySelector('.flame-canvas') as HTMLCanvasElement | null;
    if (!canvas || canvas.width === 0) return false;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, Math.min(canvas.height, 60)).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
    return false;
  });
}
