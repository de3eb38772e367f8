-- Shared by the bench scripts: print wrk's summary as one JSON line the driver parses.
function done(summary, latency, requests)
   local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
   io.write(string.format(
      'DTU_BENCH {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, "p50_us": %d, "p99_us": %d}\n',
      summary.requests, summary.duration, errors, summary.errors.status,
      latency:percentile(50), latency:percentile(99)))
end
