/**
 * The nonce a webview page's Content Security Policy admits its script by: one per page load,
 * for the profile view and the call graph alike.
 */
import { randomBytes } from 'node:crypto';

/** 128 random bits as base64url: unguessable, and safe inside a CSP source expression. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64url');
}
