// A Prometheus-like scraper for the DHCP benchmark, run inside the lab's server namespace (the
// daemon's metrics endpoint is on that namespace's loopback). Either scrapes every MS
// milliseconds until SIGTERM, or N times back to back; then prints one JSON line:
// {"scrapes":N,"failures":N,"bytes":N,"medianMs":X}.
//
//   node dhcp-scraper.mjs http://127.0.0.1:PORT/metrics --every 1000
//   node dhcp-scraper.mjs http://127.0.0.1:PORT/metrics --burst 200
const [url, mode, count] = process.argv.slice(2);
const durations = [];
let failures = 0;
let bytes = 0;

async function scrape() {
  const started = performance.now();
  try {
    const response = await fetch(url);
    const text = await response.text();
    if (!response.ok) failures++;
    bytes = text.length;
  } catch {
    failures++;
  }
  durations.push(performance.now() - started);
}

function report() {
  const sorted = [...durations].sort((a, b) => a - b);
  const medianMs = sorted.length === 0 ? null : sorted[Math.floor(sorted.length / 2)];
  process.stdout.write(`${JSON.stringify({ scrapes: durations.length, failures, bytes, medianMs })}\n`);
}

if (mode === '--burst') {
  for (let i = 0; i < Number(count); i++) await scrape();
  report();
} else if (mode === '--every') {
  let inFlight = Promise.resolve();
  const timer = setInterval(() => (inFlight = scrape()), Number(count));
  process.once('SIGTERM', () => {
    clearInterval(timer);
    void inFlight.then(() => {
      report();
      process.exit(0);
    });
  });
} else {
  process.stderr.write('usage: dhcp-scraper.mjs URL --every MS | --burst N\n');
  process.exit(2);
}
