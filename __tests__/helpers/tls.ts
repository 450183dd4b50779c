import type { RequestListener } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { LocalServer } from './local-server';

// A self-signed certificate for IP 127.0.0.1, valid from 2000 to 2100, made once with
// `openssl ca -selfsign` (Node cannot write X.509 certificates). Its key guards nothing but
// these tests' local servers: clients trust this one certificate (`ca`), never a wildcard.

/** The test certificate's private key (P-256), PEM. */
export const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg52obMRfABiI36Fpw
R2eJrrW+TXCkB1aHGSick0sd4DKhRANCAASPFuCUSqGpSB8F2fNViMebJ2ZG2Q94
He2n+a+SYiRP1k2rEJ/aHrPkb+0rde5B1udpohurc4xAcC4HWFGbivNJ
-----END PRIVATE KEY-----
`;

/** The test certificate (CN and subjectAltName 127.0.0.1), PEM; pass it to a client as `ca`. */
export const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBfzCCASSgAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAkxMjcuMC4w
LjEwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CTEyNy4wLjAuMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABI8W4JRKoalIHwXZ
81WIx5snZkbZD3gd7af5r5JiJE/WTasQn9oes+Rv7St17kHW52miG6tzjEBwLgdY
UZuK80mjZTBjMA8GA1UdEQQIMAaHBH8AAAEwDAYDVR0TAQH/BAIwADAOBgNVHQ8B
Af8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwHQYDVR0OBBYEFHUWi0co+zKB
Vl0/W7g1nkwVl8CfMAoGCCqGSM49BAMCA0kAMEYCIQCTQH/21fV6yWzRRdWLLb7A
Xz/ajQC+G4V1kazbNDQORQIhANaQho+JhYy4zFA/x441A2HO0OuTcmRvhR6HLh0l
3jDu
-----END CERTIFICATE-----
`;

/** Starts `listener` over HTTPS with the test certificate on 127.0.0.1, port 0. */
export function listenTlsLocally(listener: RequestListener): Promise<LocalServer & { readonly server: https.Server }> {
  const server = https.createServer({ key: TLS_KEY, cert: TLS_CERT }, listener);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const close = (): Promise<void> =>
        new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
      resolve({ server, port, origin: `https://127.0.0.1:${port}`, close });
    });
  });
}
