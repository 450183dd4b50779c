/**
 * express-jwt-auth/redis: the Store on Redis (or Valkey), for node-redis and ioredis clients.
 * Neither client is loaded here: the application passes its own connected client.
 *
 * @module express-jwt-auth/redis
 */
export { redisStore, type RedisStoreOptions } from './redis-store';
