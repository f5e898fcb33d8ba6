namespace SharedList.Metrics;

/// <summary>
/// The live status page: figures and three charts (connections, requests a second, list lengths) drawn as inline
/// SVG from <c>status.json</c>, polled every second. Self-contained: no script, style or font from anywhere else.
/// </summary>
internal static class StatusPage
{
    public const string Html = """
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sharedlist status</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 16px 24px; color: #1f2328; background: #fff; }
  h1 { font-size: 18px; margin: 0 0 12px; }
  .figures { display: flex; gap: 32px; margin-bottom: 16px; }
  .figure b { display: block; font-size: 28px; }
  .chart { margin-bottom: 18px; }
  .chart h2 { font-size: 14px; margin: 0 0 4px; font-weight: 600; }
  svg { border: 1px solid #d0d7de; background: #f6f8fa; }
  .legend span { margin-right: 14px; }
  #state { color: #656d76; }
</style>
</head>
<body>
<h1>sharedlist <span id="state">waiting for the first sample</span></h1>
<div class="figures">
  <div class="figure">connections<b id="connections">–</b></div>
  <div class="figure">requests / s<b id="rps">–</b></div>
  <div class="figure">requests served<b id="requests">–</b></div>
  <div class="figure">lists<b id="lists">–</b></div>
</div>
<div class="chart"><h2>Connections</h2><svg id="chart-connections" width="900" height="140"></svg></div>
<div class="chart"><h2>Requests a second</h2><svg id="chart-rps" width="900" height="140"></svg></div>
<div class="chart"><h2>List lengths</h2><svg id="chart-lists" width="900" height="140"></svg><div class="legend" id="legend"></div></div>
<script>
"use strict";
const palette = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#bf8700"];
const ns = "http://www.w3.org/2000/svg";

function draw(svg, series, span) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const width = svg.width.baseVal.value, height = svg.height.baseVal.value, pad = 24;
  let max = 1;
  for (const s of series) for (const v of s.values) max = Math.max(max, v);
  const label = document.createElementNS(ns, "text");
  label.setAttribute("x", 4); label.setAttribute("y", 14); label.setAttribute("font-size", "11");
  label.textContent = Math.round(max).toLocaleString("en");
  svg.appendChild(label);
  series.forEach((s, i) => {
    const n = s.values.length;
    if (n === 0) return;
    const points = s.values.map((v, j) => {
      const x = pad + (width - 2 * pad) * (span <= 1 ? 1 : (span - n + j) / (span - 1));
      const y = height - pad - (height - 2 * pad) * v / max;
      return x.toFixed(1) + "," + y.toFixed(1);
    });
    if (n === 1) points.unshift((pad) + "," + points[0].split(",")[1]);
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", s.color || palette[i % palette.length]);
    line.setAttribute("stroke-width", "2");
    svg.appendChild(line);
  });
}

function render(report) {
  const samples = report.samples;
  if (samples.length === 0) return;
  const last = samples[samples.length - 1];
  document.getElementById("state").textContent = "at " + new Date(last.time).toISOString().substring(11, 19) + " UTC";
  document.getElementById("connections").textContent = String(last.connections);
  document.getElementById("rps").textContent = String(Math.round(last.requestsPerSecond));
  document.getElementById("requests").textContent = String(last.requests);
  const names = Object.keys(last.lists).sort((a, b) => last.lists[b] - last.lists[a]).slice(0, palette.length);
  document.getElementById("lists").textContent = String(Object.keys(last.lists).length);
  const span = Math.max(samples.length, 60);
  draw(document.getElementById("chart-connections"), [{ values: samples.map(s => s.connections), color: palette[0] }], span);
  draw(document.getElementById("chart-rps"), [{ values: samples.map(s => s.requestsPerSecond), color: palette[1] }], span);
  draw(document.getElementById("chart-lists"), names.map(name => ({ values: samples.map(s => s.lists[name] || 0) })), span);
  const legend = document.getElementById("legend");
  legend.textContent = "";
  names.forEach((name, i) => {
    const item = document.createElement("span");
    item.style.color = palette[i % palette.length];
    item.textContent = name + ": " + last.lists[name];
    legend.appendChild(item);
  });
}

async function poll() {
  try {
    const response = await fetch("status.json", { cache: "no-store" });
    if (response.ok) render(await response.json());
  } catch (e) {
    document.getElementById("state").textContent = "server unreachable";
  }
  setTimeout(poll, 1000);
}
poll();
</script>
</body>
</html>
""";
}
