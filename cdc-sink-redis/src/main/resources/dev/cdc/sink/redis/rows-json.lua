-- json mode: applies a chunk of row changes, each only if its sort key is later than the one the
-- key holds (the first field of the stored JSON, "__cdc_sort_key"), its tombstone, and its
-- table's last truncate.
-- ARGV: [1] bytewise, [2] ttl ms or 0, [3] tombstone ttl ms or 0, [4] T tables; then per event:
--   table index, op (u replace | m merge | d delete), sort key, np, nd,
--   np args (the row's JSON, np = 1; none for d), nd args (names of unchanged columns of a merge)
-- KEYS: T truncate markers, then per event: the row's key, its tombstone key.
-- Returns {event number, error, ...} for events whose key could not be read (WRONGTYPE ...).
local PREFIX = '{"__cdc_sort_key":"'
local ttl = tonumber(ARGV[2])
local tombTtl = tonumber(ARGV[3])
local T = tonumber(ARGV[4])

local function storedSortKey(v)
  if string.sub(v, 1, #PREFIX) ~= PREFIX then
    return nil
  end
  local q = string.find(v, '"', #PREFIX + 1, true)
  return q and string.sub(v, #PREFIX + 1, q - 1) or nil
end

-- end of the JSON string starting at s[i] == '"': the index of its closing quote
local function stringEnd(s, i)
  local j = i + 1
  while true do
    local q = string.find(s, '["\\]', j)
    if not q then
      return #s
    end
    if string.byte(s, q) == 92 then
      j = q + 2
    else
      return q
    end
  end
end

-- the top-level fields of a JSON object as written by the sink (no white space):
-- decoded name -> '"raw name":raw value', so values are copied exactly (cjson would round numbers)
local function fields(s)
  local out = {}
  local i, n = 2, #s
  while i < n and string.byte(s, i) == 34 do
    local j = stringEnd(s, i)
    local rawName = string.sub(s, i, j)
    local vs = j + 2
    local x, depth, ve = vs, 0, nil
    while not ve do
      local q = string.find(s, '[",{}%[%]]', x)
      if not q then
        return out
      end
      local c = string.byte(s, q)
      if c == 34 then
        x = stringEnd(s, q) + 1
      elseif c == 123 or c == 91 then
        depth = depth + 1
        x = q + 1
      elseif c == 125 or c == 93 then
        if depth == 0 then
          ve = q - 1
        else
          depth = depth - 1
          x = q + 1
        end
      elseif depth == 0 then
        ve = q - 1
      else
        x = q + 1
      end
    end
    out[cjson.decode(rawName)] = rawName .. ':' .. string.sub(s, vs, ve)
    i = ve + 2
  end
  return out
end

local floors = {}
for i = 1, T do
  floors[i] = redis.call('GET', KEYS[i]) or ''
end
local failed = {}
local a, k, e, nargs = 5, T + 1, 0, #ARGV
while a <= nargs do
  e = e + 1
  local t, op, sk, np, nd = tonumber(ARGV[a]), ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  local p = a + 5
  a = p + np + nd
  local key, tomb = KEYS[k], KEYS[k + 1]
  k = k + 2
  local stored = redis.pcall('GET', key)
  if type(stored) == 'table' then
    failed[#failed + 1] = e
    failed[#failed + 1] = stored.err
  else
    local floor = stored and storedSortKey(stored) or redis.call('GET', tomb) or ''
    if newer(floors[t], floor) then
      floor = floors[t]
    end
    if newer(sk, floor) then
      if op == 'd' then
        redis.call('DEL', key)
        if tombTtl > 0 then
          redis.call('SET', tomb, sk, 'PX', tombTtl)
        end
      else
        local value = ARGV[p]
        if op == 'm' and stored and nd > 0 then
          local old = fields(stored)
          local kept = {}
          for i = p + np, p + np + nd - 1 do
            local field = old[ARGV[i]]
            if field then
              kept[#kept + 1] = field
            end
          end
          if #kept > 0 then
            value = string.sub(value, 1, -2) .. ',' .. table.concat(kept, ',') .. '}'
          end
        end
        if ttl > 0 then
          redis.call('SET', key, value, 'PX', ttl)
        else
          redis.call('SET', key, value)
        end
      end
    end
  end
end
return failed
