// factorkit/http's JSON routes under /2fa. JavaScript, not route.ts: Next.js would then want
// @types/react, which this repository does not install (README.md).
import { nextSecondStep } from 'factorkit/next';
import { state } from '../../../server/app.ts';

export const { GET, POST } = nextSecondStep(state.secondStep);
