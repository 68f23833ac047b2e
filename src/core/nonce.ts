/**
 * The nonce a webview page's Content Security Policy admits its script by: one per page load,
 * for the profile view and the call graph alike.
 */

/** 128 random bits as base64url: unguessable, and safe inside a CSP source expression. */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
