-- stream mode: appends a chunk of events to their streams, each only if its sort key is later
-- than the last one appended to that stream (kept in a companion key), so a replay never appends
-- an event twice. Every stream is checked first, so the script fails before writing anything.
-- ARGV: [1] bytewise, [2] MAXLEN (approximate) or 0, [3] S streams; then per event:
--   stream index, sort key, nf, nf args (field, value pairs of the entry)
-- KEYS: S streams, then S last-sort-key keys.
-- Returns the number of entries appended.
local maxlen = ARGV[2]
local S = tonumber(ARGV[3])
local last, dirty = {}, {}
for i = 1, S do
  local kind = redis.call('TYPE', KEYS[i])['ok']
  if kind ~= 'stream' and kind ~= 'none' then
    return redis.error_reply('WRONGTYPE key ' .. KEYS[i] .. ' holds a ' .. kind .. ', not a stream')
  end
  last[i] = redis.call('GET', KEYS[S + i]) or ''
end
local a, appended, nargs = 4, 0, #ARGV
while a <= nargs do
  local s, sk, nf = tonumber(ARGV[a]), ARGV[a + 1], tonumber(ARGV[a + 2])
  local p = a + 3
  a = p + nf
  if newer(sk, last[s]) then
    if maxlen ~= '0' then
      redis.call('XADD', KEYS[s], 'MAXLEN', '~', maxlen, '*', unpack(ARGV, p, p + nf - 1))
    else
      redis.call('XADD', KEYS[s], '*', unpack(ARGV, p, p + nf - 1))
    end
    last[s] = sk
    dirty[s] = true
    appended = appended + 1
  end
end
for i = 1, S do
  if dirty[i] then
    redis.call('SET', KEYS[S + i], last[i])
  end
end
return appended
