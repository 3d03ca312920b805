-- Shared by every script of the redis sink. ARGV[1] is '1' when Lua's '<' on strings is byte
-- order on this server (it uses strcoll, so it depends on the server's LC_COLLATE; checked when
-- the sink connects), else '0' and sort keys are compared byte by byte here.
local bytewise = ARGV[1] == '1'

-- true when sort key a is later than sort key b (plain byte order, as Java's String.compareTo on ASCII)
local function newer(a, b)
  if bytewise then
    return a > b
  end
  if a == b then
    return false
  end
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      return x > y
    end
  end
  return #a > #b
end
