-- stream mode: appends a chunk of events to their streams, each only if its sort key is later
-- than the last one appended to that stream for the same row key (kept in a companion hash, one
-- field per key), so a replay never appends an event twice. Every key is type-checked first, so
-- the script fails before it writes anything.
-- ARGV: [1] bytewise, [2] MAXLEN (approximate) or 0, [3] S streams; then per event:
--   stream index, sort key, row key (encoded), nf, nf args (field, value pairs of the entry)
-- KEYS: S streams, then S companion hashes (row key -> last sort key appended).
-- Returns the number of entries appended.
local maxlen = ARGV[2]
local S = tonumber(ARGV[3])
local last = {}
for i = 1, 2 * S do
  local kind = redis.call('TYPE', KEYS[i])['ok']
  local want = i <= S and 'stream' or 'hash'
  if kind ~= want and kind ~= 'none' then
    return redis.error_reply('WRONGTYPE key ' .. KEYS[i] .. ' holds a ' .. kind .. ', not a ' .. want)
  end
end
for i = 1, S do
  last[i] = {}
end
local a, appended, nargs = 4, 0, #ARGV
while a <= nargs do
  local s, sk, rowKey, nf = tonumber(ARGV[a]), ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3])
  local p = a + 4
  a = p + nf
  local seen = last[s]
  local prev = seen[rowKey]
  if prev == nil then
    prev = redis.call('HGET', KEYS[S + s], rowKey) or ''
  end
  if newer(sk, prev) then
    if maxlen ~= '0' then
      redis.call('XADD', KEYS[s], 'MAXLEN', '~', maxlen, '*', unpack(ARGV, p, p + nf - 1))
    else
      redis.call('XADD', KEYS[s], '*', unpack(ARGV, p, p + nf - 1))
    end
    seen[rowKey] = sk
    appended = appended + 1
  else
    seen[rowKey] = prev
  end
end
for i = 1, S do
  local flat = {}
  for rowKey, sk in next, last[i] do
    flat[#flat + 1] = rowKey
    flat[#flat + 1] = sk
  end
  if #flat > 0 then
    redis.call('HSET', KEYS[S + i], unpack(flat))
  end
end
return appended
