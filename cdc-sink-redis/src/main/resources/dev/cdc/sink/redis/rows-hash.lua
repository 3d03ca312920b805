-- hash mode: applies a chunk of row changes, each only if its sort key is later than the one the
-- key holds (hash field __cdc_sort_key), its tombstone, and its table's last truncate.
-- ARGV: [1] bytewise, [2] ttl ms or 0, [3] tombstone ttl ms or 0, [4] T tables, [5] a MessagePack
-- array of strings (one bulk string is far cheaper for Redis than thousands) holding per event:
--   table index, op (u replace | m merge, unchanged columns kept | d delete), sort key,
--   np, nd, np args (field, value pairs), nd args (fields to remove: NULLs of a merge)
-- KEYS: T truncate markers, then per event: the row's key, its tombstone key.
-- Returns {event number, error, ...} for events whose key could not be read (WRONGTYPE ...).
local SK = '__cdc_sort_key'
local ttl = tonumber(ARGV[2])
local tombTtl = tonumber(ARGV[3])
local T = tonumber(ARGV[4])
local floors = {}
for i = 1, T do
  floors[i] = redis.call('GET', KEYS[i]) or ''
end
local failed = {}
local A = cmsgpack.unpack(ARGV[5])
local a, k, e, nargs = 1, T + 1, 0, #A
while a <= nargs do
  e = e + 1
  local t, op, sk, np, nd = tonumber(A[a]), A[a + 1], A[a + 2], tonumber(A[a + 3]), tonumber(A[a + 4])
  local p = a + 5
  a = p + np + nd
  local key, tomb = KEYS[k], KEYS[k + 1]
  k = k + 2
  local stored = redis.pcall('HGET', key, SK)
  if type(stored) == 'table' then
    failed[#failed + 1] = e
    failed[#failed + 1] = stored.err
  else
    local floor = stored or redis.call('GET', tomb) or ''
    local truncated = floors[t]
    if truncated ~= '' and newer(truncated, floor) then
      floor = truncated
    end
    -- inline byte order compare in the common case: a Lua function call per event is measurable
    if (bytewise and sk > floor) or (not bytewise and newer(sk, floor)) then
      if op == 'd' then
        redis.call('DEL', key)
        if tombTtl > 0 then
          redis.call('SET', tomb, sk, 'PX', tombTtl)
        end
      else
        local fields = np / 2 + 1
        local added = redis.call('HSET', key, SK, sk, unpack(A, p, p + np - 1))
        if op == 'm' then
          if nd > 0 then
            redis.call('HDEL', key, unpack(A, p + np, p + np + nd - 1))
          end
        elseif added < fields and redis.call('HLEN', key) > fields then
          -- the hash holds fields this row does not have (now NULL, or dropped): replace it whole
          redis.call('DEL', key)
          redis.call('HSET', key, SK, sk, unpack(A, p, p + np - 1))
        end
        if ttl > 0 then
          redis.call('PEXPIRE', key, ttl)
        end
      end
    end
  end
end
return failed
