// QR codes for Key URIs, rendered locally.
export { renderQrSvg, renderQrDataUrl, type QrOptions, type QrErrorCorrectionLevel } from './svg.js';
