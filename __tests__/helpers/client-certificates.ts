import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { TLS_CERT } from './tls';

// Two self-signed client certificates (P-256, CN dpop-test-client-a and -b, extendedKeyUsage
// clientAuth, valid for a century), made once with `openssl req -x509`. Their keys guard nothing
// but these tests' connections to 127.0.0.1.

/** A client certificate and its private key, PEM. */
export interface ClientCertificate {
  readonly cert: string;
  readonly key: string;
}

/** Client certificate A. */
export const CLIENT_A: ClientCertificate = {
  cert: `-----BEGIN CERTIFICATE-----
MIIBpjCCAUygAwIBAgIUYexVMXmJlvLIEM7db5FEeVO0KcEwCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSZHBvcC10ZXN0LWNsaWVudC1hMCAXDTI2MTIwMTA4NDEyOVoY
DzIxMjYxMTA3MDg0MTI5WjAdMRswGQYDVQQDDBJkcG9wLXRlc3QtY2xpZW50LWEw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR3hmSD67skSHtzS9JO7YodMKjPHYwf
x7ktp2YQ/3K398NCNMKZo7u5Rm3CzMeek+QCgaostI0VZCQIRXHUI2tto2gwZjAd
BgNVHQ4EFgQUy9EIAJvm5r5stVax9V+3WX2sk3wwHwYDVR0jBBgwFoAUy9EIAJvm
5r5stVax9V+3WX2sk3wwDwYDVR0TAQH/BAUwAwEB/zATBgNVHSUEDDAKBggrBgEF
BQcDAjAKBggqhkjOPQQDAgNIADBFAiBun+lPEu1bt/p43SQoXpCgGORb2Aai5ytX
thP+4hsVtQIhAL1FEyebOiddmnneit0NIUWEp350qsYDGP5TUHA8bAKa
-----END CERTIFICATE-----
`,
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgXvuhJs2Xb3z0DVOo
hzXTQUmeI5E5jCGHoWnLr3nU1IChRANCAAR3hmSD67skSHtzS9JO7YodMKjPHYwf
x7ktp2YQ/3K398NCNMKZo7u5Rm3CzMeek+QCgaostI0VZCQIRXHUI2tt
-----END PRIVATE KEY-----
`,
};

/** Client certificate B. */
export const CLIENT_B: ClientCertificate = {
  cert: `-----BEGIN CERTIFICATE-----
MIIBpjCCAUygAwIBAgIULQTNOu7GDf9i1N4Jo+CsrRvngA4wCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSZHBvcC10ZXN0LWNsaWVudC1iMCAXDTI2MTIwMTA4NDEyOVoY
DzIxMjYxMTA3MDg0MTI5WjAdMRswGQYDVQQDDBJkcG9wLXRlc3QtY2xpZW50LWIw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARVrHpwZ3dWztqySA0qWeQrFawdTUVs
XvoqEX20PlikAzBhuPr6VB9YZAb0eFkJ2MQWTPhKmU+khsdDDpIFWFAZo2gwZjAd
BgNVHQ4EFgQU5JW/y/IMjbe4nt7TmpUn1tVCNagwHwYDVR0jBBgwFoAU5JW/y/IM
jbe4nt7TmpUn1tVCNagwDwYDVR0TAQH/BAUwAwEB/zATBgNVHSUEDDAKBggrBgEF
BQcDAjAKBggqhkjOPQQDAgNIADBFAiBDqeilY8TpTaKud3M/Kbwa3xmsyL3sUinO
LekVmOdWIQIhAKV4dAYxAkZqXdQ4BCprtz/k8iEAOsqQQlmGZlfCtIHk
-----END CERTIFICATE-----
`,
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg5XuWD64aEX6r5VNM
RTcYpkpvDJIH3hL4DD9nTOl1LyahRANCAARVrHpwZ3dWztqySA0qWeQrFawdTUVs
XvoqEX20PlikAzBhuPr6VB9YZAb0eFkJ2MQWTPhKmU+khsdDDpIFWFAZ
-----END PRIVATE KEY-----
`,
};

/**
 * The RFC 8705 `x5t#S256` of a certificate, from Node's own SHA-256 fingerprint (hex with
 * colons), converted apart from the library's hashing of the DER.
 */
export function certificateThumbprint(pem: string): string {
  return Buffer.from(new X509Certificate(pem).fingerprint256.replace(/:/g, ''), 'hex').toString('base64url');
}

/** What {@link httpsGet} got back. */
export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** `GET url` over HTTPS trusting the test server certificate, presenting `client` when given, on a fresh connection. */
export function httpsGet(url: string, headers: Readonly<Record<string, string>>, client?: ClientCertificate): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { headers, ca: TLS_CERT, agent: false, ...(client === undefined ? {} : { cert: client.cert, key: client.key }) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
