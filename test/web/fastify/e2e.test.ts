// The minimal Fastify app (app.ts) in Chromium: every flow and attack of shared/browser-flows.ts
// through factorkit/fastify, the app in this process.
import { secondStepInChromium } from '../shared/browser-flows.js';
import { startFastifyApp } from './app.js';

secondStepInChromium('Fastify', () => startFastifyApp());
