-- Booking creates for wrk: every request books its own room and slot, so none conflict.
--
-- wrk -t2 -c8 -d3s -s create.lua URL -- OFFSET FIRST_DAY_EPOCH ROOM_ID,ROOM_ID,...
-- Request n of thread t (both from 0) takes slot OFFSET + t + threads * n: its room is
-- slot mod rooms, then four two-hour slots a day (12:00, 14:30, 17:00, 19:30 UTC) from
-- FIRST_DAY_EPOCH (a UTC midnight). The last line printed is JSON: statuses counted by
-- the response callback, and the offset the next round starts from.

local threads = {}

function setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

function init(args)
   offset = tonumber(args[1])
   first_day = tonumber(args[2])
   rooms = {}
   for room in string.gmatch(args[3], "%d+") do
      table.insert(rooms, room)
   end
   thread_count = tonumber(args[4])
   sent, created, other, first_other = 0, 0, 0, 0
   first_other_body = ""
   headers = {["Content-Type"] = "application/json"}
   for name, value in pairs(wrk.headers) do  -- the -H headers (the bearer token)
      headers[name] = value
   end
end

local slot_starts = {12 * 3600, 14 * 3600 + 1800, 17 * 3600, 19 * 3600 + 1800}

local function json_string(text)
   return '"' .. string.gsub(text, '[%c"\\]', function(c)
      return string.format("\\u%04x", string.byte(c))
   end) .. '"'
end

local function iso(epoch)
   return os.date("!%Y-%m-%dT%H:%M:%S+00:00", epoch)
end

function request()
   local slot = offset + thread_index + thread_count * sent
   sent = sent + 1
   local room = rooms[slot % #rooms + 1]
   local per_room = math.floor(slot / #rooms)
   local day = math.floor(per_room / #slot_starts)
   local start = first_day + day * 86400 + slot_starts[per_room % #slot_starts + 1]
   local body = string.format(
      '{"room_id": %s, "title": "Bench %d", "attendees": 5, "start": "%s", "end": "%s"}',
      room, slot, iso(start), iso(start + 7200))
   return wrk.format("POST", "/api/v1/bookings", headers, body)
end

function response(status, headers, body)
   if status == 201 then
      created = created + 1
   else
      other = other + 1
      if first_other == 0 then
         first_other = status
         first_other_body = string.sub(body, 1, 300)
      end
   end
end

function done(summary, latency, requests)
   local created_total, other_total, most_sent, first_status, first_body = 0, 0, 0, 0, ""
   for _, thread in ipairs(threads) do
      created_total = created_total + thread:get("created")
      other_total = other_total + thread:get("other")
      most_sent = math.max(most_sent, thread:get("sent"))
      if first_status == 0 then
         first_status = thread:get("first_other")
         first_body = thread:get("first_other_body")
      end
   end
   io.write(string.format(
      '\n{"ok": %d, "other": %d, "first_other_status": %d, "first_other_body": %s, ' ..
      '"socket_errors": %d, "duration_us": %d, "next_offset": %d}\n',
      created_total, other_total, first_status, json_string(first_body),
      summary.errors.connect + summary.errors.read + summary.errors.write +
      summary.errors.timeout, summary.duration, threads[1]:get("offset") + #threads * most_sent))
end
