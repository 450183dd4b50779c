// Type test, compiled by `npm run typecheck` (not a jest suite): express-jwt-auth/mcp declares the
// MCP SDK's shapes itself (so the package needs no runtime import of the SDK); they must stay
// the SDK's own.
import type { Express } from 'express';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { type McpAuthInfo, mcpHandler } from '../../lib/mcp';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `A` and `B` are the same type. */
function assertType<A, B>(_proof: Equal<A, B>): void {}

/** The adapter's AuthInfo is exactly the SDK's. */
assertType<McpAuthInfo, AuthInfo>(true);

/** The SDK's Streamable HTTP transport is what `mcpHandler` accepts, without a cast. */
export function mountTransport(app: Express, transport: StreamableHTTPServerTransport): void {
  app.post('/mcp', mcpHandler(() => transport));
  app.post('/mcp-async', mcpHandler(async () => transport));
}
