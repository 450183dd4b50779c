/**
 * express-jwt-auth/mcp: a resource server for the Model Context Protocol. RFC 9728
 * protected-resource metadata, and the adapter that hands `@modelcontextprotocol/sdk` its
 * `AuthInfo`. The backend's `resource` and `resourceMetadataUrl` options (RFC 8707 audience,
 * RFC 9728 §5.1 challenges) live in the main entry point.
 *
 * @module express-jwt-auth/mcp
 */
export { type McpAuthInfo, mcpAuthInfo, type McpAuthInfoOptions } from './auth-info';
export { type McpHttpTransport, mcpHandler, type McpTransportLookup } from './mcp-handler';
export {
  type BearerMethod,
  type ProtectedResourceBackend,
  type ProtectedResourceMetadata,
  protectedResourceMetadata,
  type ProtectedResourceMetadataOptions,
} from './protected-resource-metadata';
