/**
 * Message signatures as SNS computes them (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA over
 * the canonical "Name\nvalue\n" string), with a key made per Nimbus instance and a self-signed
 * certificate served at SigningCertURL, so receivers that verify signatures can verify ours.
 */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

export const CERT_PATH = '/_nimbus/sns/SimpleNotificationService-nimbus.pem';

export interface Signer {
  sign(canonical: string, version: string): string;
  certificatePem: string;
}

let shared: Signer | undefined;

/** One key per process: generating an RSA key takes tens of milliseconds. */
export function signer(): Signer {
  if (shared) return shared;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certificatePem = selfSignedCertificate(privateKey, publicKey);
  shared = {
    certificatePem,
    sign(canonical, version) {
      const s = createSign(version === '2' ? 'RSA-SHA256' : 'RSA-SHA1');
      s.update(canonical, 'utf8');
      return s.sign(privateKey, 'base64');
    },
  };
  return shared;
}

/** The canonical string of a notification (fields in AWS's order; Subject only when present). */
export function notificationCanonical(f: { message: string; messageId: string; subject?: string; timestamp: string; topicArn: string; type: string }): string {
  let s = `Message\n${f.message}\nMessageId\n${f.messageId}\n`;
  if (f.subject !== undefined) s += `Subject\n${f.subject}\n`;
  return s + `Timestamp\n${f.timestamp}\nTopicArn\n${f.topicArn}\nType\n${f.type}\n`;
}

/** The canonical string of a SubscriptionConfirmation or UnsubscribeConfirmation. */
export function confirmationCanonical(f: { message: string; messageId: string; subscribeUrl: string; timestamp: string; token: string; topicArn: string; type: string }): string {
  return (
    `Message\n${f.message}\nMessageId\n${f.messageId}\nSubscribeURL\n${f.subscribeUrl}\n` +
    `Timestamp\n${f.timestamp}\nToken\n${f.token}\nTopicArn\n${f.topicArn}\nType\n${f.type}\n`
  );
}

// Minimal DER encoding, enough for one X.509 v3 certificate.
function der(tag: number, body: Buffer): Buffer {
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else if (n < 0x100) len = Buffer.from([0x81, n]);
  else if (n < 0x10000) len = Buffer.from([0x82, n >> 8, n & 0xff]);
  else len = Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}
const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));
const oid = (bytes: number[]) => der(0x06, Buffer.from(bytes));
const utcTime = (d: Date) => der(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'));
const SHA256_WITH_RSA = seq(oid([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]), Buffer.from([0x05, 0x00]));
const name = (cn: string) => seq(der(0x31, seq(oid([0x55, 0x04, 0x03]), der(0x0c, Buffer.from(cn)))));

function selfSignedCertificate(privateKey: KeyObject, publicKey: KeyObject): string {
  const now = Date.now();
  const subject = name('sns.amazonaws.com');
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([0x02]))),
    der(0x02, Buffer.from([0x01, ...Array.from({ length: 8 }, () => Math.floor(Math.random() * 256))])),
    SHA256_WITH_RSA,
    subject,
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 10 * 365 * 86_400_000))),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const s = createSign('RSA-SHA256');
  s.update(tbs);
  const signature = s.sign(privateKey);
  const cert = seq(tbs, SHA256_WITH_RSA, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}
