-- A GET for wrk that counts its answers: wrk -s ping.lua URL (the path is the URL's).
-- The last line printed is JSON: 200s, anything else, socket errors, the duration.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   ok, other, first_other = 0, 0, 0
end

function response(status, headers, body)
   if status == 200 then
      ok = ok + 1
   else
      other = other + 1
      if first_other == 0 then
         first_other = status
      end
   end
end

function done(summary, latency, requests)
   local ok_total, other_total, first_status = 0, 0, 0
   for _, thread in ipairs(threads) do
      ok_total = ok_total + thread:get("ok")
      other_total = other_total + thread:get("other")
      if first_status == 0 then
         first_status = thread:get("first_other")
      end
   end
   io.write(string.format(
      '\n{"ok": %d, "other": %d, "first_other_status": %d, "first_other_body": "", ' ..
      '"socket_errors": %d, "duration_us": %d, "next_offset": 0}\n',
      ok_total, other_total, first_status,
      summary.errors.connect + summary.errors.read + summary.errors.write +
      summary.errors.timeout, summary.duration))
end
