import type { Plugin } from 'esbuild';

export declare const base32DecodeAsEsm: Plugin;
