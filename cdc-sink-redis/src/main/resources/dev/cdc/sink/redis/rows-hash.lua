-- hash mode: applies a chunk of row changes, each only if its sort key is later than the one the
-- key holds (hash field __cdc_sort_key), its tombstone, and its table's last truncate.
-- ARGV: [1] bytewise, [2] ttl ms or 0, [3] tombstone ttl ms or 0, [4] tombstone key prefix,
-- [5] T tables, then two MessagePack arrays (one bulk string each: far cheaper for Redis than
-- thousands of small ones; integers arrive as Lua numbers):
--   [6] shapes, each: table index, merge (1: unchanged columns kept, 0: the row replaces the hash),
--       n, nd, n field names, nd fields to remove (the NULL columns of a merge)
--   [7] events, each: a delete as (-table index, sort key); a change as (shape, sort key, n values)
-- KEYS: T truncate markers, then one per event: the row's key. A tombstone's key is the prefix
-- followed by the row's key (standalone Redis: the script may name keys not in KEYS).
-- Returns {event number, error, ...} for events whose key could not be read (WRONGTYPE ...).
local SK = '__cdc_sort_key'
local ttl = tonumber(ARGV[2])
local tombTtl = tonumber(ARGV[3])
local tombPrefix = ARGV[4]
local T = tonumber(ARGV[5])
local floors = {}
for i = 1, T do
  floors[i] = redis.call('GET', KEYS[i]) or ''
end
-- per shape: its table, merge flag, field count, HSET argument list (the sort key and values are
-- filled in per event; the table is reused, so no table is made per event), fields to remove
local shapes = {}
local S = cmsgpack.unpack(ARGV[6])
local i, nshapes = 1, #S
while i <= nshapes do
  local t, merge, n, nd = S[i], S[i + 1] == 1, S[i + 2], S[i + 3]
  i = i + 4
  local args = { SK, '' }
  for j = 1, n do
    args[2 * j + 1] = S[i]
    args[2 * j + 2] = ''
    i = i + 1
  end
  local removed = nil
  if nd > 0 then
    removed = {}
    for j = 1, nd do
      removed[j] = S[i]
      i = i + 1
    end
  end
  shapes[#shapes + 1] = { t, merge, n, args, removed }
end
local failed = {}
local A = cmsgpack.unpack(ARGV[7])
local a, e, nargs = 1, 0, #A
while a <= nargs do
  e = e + 1
  local s, sk = A[a], A[a + 1]
  local shape, t, n
  if s < 0 then
    t, n = -s, 0
  else
    shape = shapes[s]
    t, n = shape[1], shape[3]
  end
  local p = a + 2
  a = p + n
  local key = KEYS[T + e]
  local stored = redis.pcall('HGET', key, SK)
  if type(stored) == 'table' then
    failed[#failed + 1] = e
    failed[#failed + 1] = stored.err
  else
    local floor = stored or redis.call('GET', tombPrefix .. key) or ''
    local truncated = floors[t]
    if truncated ~= '' and newer(truncated, floor) then
      floor = truncated
    end
    -- inline byte order compare in the common case: a Lua function call per event is measurable
    if (bytewise and sk > floor) or (not bytewise and newer(sk, floor)) then
      if s < 0 then
        redis.call('DEL', key)
        if tombTtl > 0 then
          redis.call('SET', tombPrefix .. key, sk, 'PX', tombTtl)
        end
      else
        local args = shape[4]
        args[2] = sk
        for j = 1, n do
          args[2 * j + 2] = A[p]
          p = p + 1
        end
        local fields = n + 1
        local added = redis.call('HSET', key, unpack(args, 1, 2 * fields))
        if shape[2] then
          if shape[5] then
            redis.call('HDEL', key, unpack(shape[5]))
          end
        elseif added < fields and redis.call('HLEN', key) > fields then
          -- the hash holds fields this row does not have (now NULL, or dropped): replace it whole
          redis.call('DEL', key)
          redis.call('HSET', key, unpack(args, 1, 2 * fields))
        end
        if ttl > 0 then
          redis.call('PEXPIRE', key, ttl)
        end
      end
    end
  end
end
return failed
