import QRCode from 'qrcode';

/** A PNG QR code of an otpauth:// URL, base64, as Vault's TOTP answers carry it (also used by the server's login MFA). */
export async function barcodePng(url: string, sizePixels: number): Promise<string> {
  return (await QRCode.toBuffer(url, { type: 'png', width: sizePixels, errorCorrectionLevel: 'M' })).toString('base64');
}
