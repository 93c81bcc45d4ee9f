/**
 * `factorkit/http`: the web half of 2FA on Web standard `Request` / `Response`, for any
 * framework and runtime: the pending sign-in ticket, the remembered-device and step-up
 * cookies, a CSRF check and JSON routes over the lifecycle. See docs/web.md.
 *
 * @module
 */
export { createSecondStep } from './create.js';
export type {
  CsrfResult,
  FactorView,
  HttpFailure,
  HttpReason,
  SecondStep,
  SecondStepOptions,
  SessionCallbacks,
  StartSignInResult,
} from './types.js';
