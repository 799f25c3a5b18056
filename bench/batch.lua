-- wrk script: POST /events with a JSON array of BATCH purchase_sword events (the mobile-SDK style).
local n = tonumber(os.getenv("BATCH") or "100")
local items = {}
for i = 1, n do
  items[i] = '{"event_type":"purchase_sword","sword_type":"katana","price":' .. i .. '}'
end
wrk.method = "POST"
wrk.body = "[" .. table.concat(items, ",") .. "]"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Host"] = "user1.comcast.com"
