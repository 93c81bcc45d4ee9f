// QR codes for Key URIs and migration URIs, rendered locally: SVG, PNG and terminal text.
export { renderQrSvg, renderQrDataUrl } from './svg.js';
export { renderQrPng, renderQrPngDataUrl } from './png.js';
export { renderQrTerminal, type QrTerminalOptions, type QrTerminalStyle } from './terminal.js';
export type { QrOptions, QrErrorCorrectionLevel } from './options.js';
