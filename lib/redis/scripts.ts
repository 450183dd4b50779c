// Each script runs atomically in Redis: no other command interleaves between its read and its
// write, whichever process sent it. Nothing here is read and then written from Node.

/** KEYS[1]; ARGV: expect-absent flag ('1' or '0'), expected value, next value, ttl in ms. */
export const COMPARE_AND_SWAP = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return 1
`;

/** KEYS[1]; ARGV: ttl in ms, set by the increment that creates the counter (a fixed window). */
export const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`;
