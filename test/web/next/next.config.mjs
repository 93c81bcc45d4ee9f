// The minimal app imports factorkit by name, as an app does, resolved to the repository's
// sources (the same list as tsconfig.json's paths: scripts/entries.mjs). Webpack, because its
// resolver maps the sources' `./x.js` imports to `./x.ts` (extensionAlias); Turbopack does that
// only for a TypeScript project, which would need @types/react (README.md).
import { fileURLToPath } from 'node:url';
import { ENTRIES } from '../../../scripts/entries.mjs';

const root = new URL('../../../', import.meta.url);

/** @type {import('next').NextConfig} */
export default {
  experimental: { extensionAlias: { '.js': ['.ts', '.js'] } },
  webpack(config) {
    for (const [name, source] of ENTRIES) {
      config.resolve.alias[`factorkit${name === 'index' ? '' : `/${name}`}$`] = fileURLToPath(new URL(source, root));
    }
    return config;
  },
};
