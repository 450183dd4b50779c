import type { ChallengeParams } from '../core/challenge';
import { canonicalResourceUrl, metadataUrlOf } from '../core/resource-url';

/** A backend's RFC 8707 resource and RFC 9728 metadata URL, read and validated. */
export interface ResourceSettings {
  /** The canonical resource URL every token's `aud` must contain; `undefined` when not checked. */
  readonly resource: string | undefined;
  /** The auth-params every challenge of the backend ends with: `resource_metadata` when known. */
  readonly challengeParams: ChallengeParams | undefined;
}

/**
 * Reads the `resource` and `resourceMetadataUrl` options of a JWT backend. Without
 * `resourceMetadataUrl`, a `resource` implies its metadata URL by RFC 9728 §3.1's path
 * insertion (`https://mcp.example.com/mcp` gives
 * `https://mcp.example.com/.well-known/oauth-protected-resource/mcp`). Throws a `TypeError`
 * naming `owner` for a URL that is not canonical or not HTTPS.
 *
 * @example
 * ```ts
 * readResourceOptions('JWTAuthenticationBackend', 'https://mcp.example.com/mcp', undefined);
 * ```
 */
export function readResourceOptions(owner: string, resource: unknown, resourceMetadataUrl: unknown): ResourceSettings {
  const checkedResource = resource === undefined ? undefined : canonicalResourceUrl(owner, 'resource', resource);
  const metadataUrl = resourceMetadataUrl === undefined
    ? checkedResource === undefined ? undefined : metadataUrlOf(checkedResource)
    : canonicalResourceUrl(owner, 'resourceMetadataUrl', resourceMetadataUrl);
  return {
    resource: checkedResource,
    challengeParams: metadataUrl === undefined ? undefined : Object.freeze({ resource_metadata: metadataUrl }),
  };
}
