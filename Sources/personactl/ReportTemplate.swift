/// The report's Mustache template, compiled into personactl so the binary needs no data files.
/// Styles are inline (one file, no external assets) and the page has no scripts.
enum ReportTemplate {
    static let text = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>personad report — {{count}} personas</title>
<style>
:root { --ink: #1d2329; --muted: #5d6873; --line: #d9dee3; --bg: #f5f7f9; --card: #fff; --accent: #2b6cb0; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header.page h1 { margin: 0 0 4px; font-size: 22px; }
header.page p { margin: 0 0 20px; color: var(--muted); max-width: 80ch; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; align-items: start; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px; }
.card h2 { margin: 0; font-size: 17px; }
.card h3 { margin: 14px 0 6px; font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.who { margin: 0; color: var(--muted); }
.status { display: inline-block; margin-top: 6px; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #e9edf1; }
.s-ok { background: #dff3e4; color: #1c6b35; } .s-insufficient_data { background: #fdf3d7; color: #7a5a00; }
.s-stale { background: #f6e3f3; color: #7d2a72; } .s-error { background: #fbe1e1; color: #9b1c1c; }
.score { display: flex; align-items: baseline; gap: 10px; margin-top: 10px; }
.big { font-size: 34px; font-weight: 600; }
.muted, .reason { color: var(--muted); }
.reason { font-size: 12px; margin: 2px 0 0; }
svg .track { fill: #e4e8ec; } svg .band { fill: #2b6cb033; } svg .tick { fill: var(--ink); }
svg .grid { stroke: #eceff2; stroke-width: 1; } svg .line { fill: none; stroke: var(--accent); stroke-width: 2; } svg .dot { fill: var(--accent); }
ul.components, ol.evidence, ul.topics, ul.sources { margin: 0; padding: 0; list-style: none; }
ul.components li { margin: 0 0 8px; }
.row { display: flex; justify-content: space-between; gap: 8px; }
.bar { height: 8px; background: #e4e8ec; border-radius: 4px; overflow: hidden; margin-top: 2px; }
.bar > div { height: 100%; background: var(--accent); }
.shown > div { background: #9aa5b1; }
.unmeasured { color: var(--muted); font-style: italic; }
ol.evidence li, ul.topics li, ul.sources li { margin: 0 0 4px; overflow-wrap: anywhere; }
.tag { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 11px; background: #e9edf1; }
.tag.expert { background: #dff3e4; color: #1c6b35; }
a { color: var(--accent); }
</style>
</head>
<body>
<header class="page">
<h1>personad — {{count}} personas</h1>
<p>Each card is one account on one network, scored on its own: the scores are never added up or averaged into one number.
Snapshots of {{indexGeneratedAt}}; report written {{generatedAt}}.</p>
</header>
<main class="cards">
{{#cards}}
<section class="card" id="persona-{{id}}" data-persona="{{id}}">
<h2>{{id}}</h2>
<p class="who">{{#handle}}{{handle}} on {{/handle}}{{network}}</p>
<span class="status s-{{status}}">{{status}}</span>
{{#problem}}<p class="reason">{{problem}}</p>{{/problem}}
{{^problem}}
<div class="score">
{{#hasValue}}<span class="big">{{value}}</span><span class="muted">90% interval {{interval}}</span>{{/hasValue}}
{{^hasValue}}<span class="big muted">no number</span>{{/hasValue}}
</div>
{{#rangeSVG}}{{{rangeSVG}}}{{/rangeSVG}}
{{#statusReason}}<p class="reason">{{statusReason}}</p>{{/statusReason}}
<p class="reason">Measured {{coverage}} of the model's weight · window {{window}} · {{posts}} own posts · formula v{{formula}}</p>
<h3>Components</h3>
<ul class="components">
{{#components}}
<li>{{#measured}}<div class="row"><span>{{name}}</span><span>{{#scored}}{{normalized}} × {{weight}} = {{points}} points{{/scored}}{{^scored}}{{normalized}} · shown, not scored{{/scored}}</span></div>
<div class="bar{{^scored}} shown{{/scored}}"><div style="width: {{width}}%"></div></div>
{{#interval}}<p class="reason">90%: {{interval}}</p>{{/interval}}{{/measured}}
{{^measured}}<div class="row"><span>{{name}}</span><span class="unmeasured">not measured</span></div><p class="reason">{{reason}}</p>{{/measured}}</li>
{{/components}}
</ul>
<h3>Trend</h3>
{{#trendSVG}}{{{trendSVG}}}{{/trendSVG}}{{#trendNote}}<p class="reason">{{trendNote}}</p>{{/trendNote}}
<h3>Top evidence</h3>
<ol class="evidence">
{{#evidence}}<li>{{#url}}<a href="{{url}}">{{postId}}</a>{{/url}}{{^url}}{{postId}}{{/url}} — {{count}} ({{detail}})</li>{{/evidence}}
{{^evidence}}<li class="muted">no post stands out as evidence</li>{{/evidence}}
</ol>
<h3>Interests and expertise</h3>
<ul class="topics">
{{#topics}}<li><span class="tag{{#expertise}} expert{{/expertise}}">{{#expertise}}expertise{{/expertise}}{{^expertise}}interest{{/expertise}}</span> {{topic}} — {{posts}} posts ({{share}}){{#pValue}}, p = {{pValue}}{{/pValue}}<p class="reason">{{reason}}</p></li>{{/topics}}
{{^hasTopics}}<li class="muted">no topics in the window</li>{{/hasTopics}}
</ul>
<h3>Sources</h3>
<ul class="sources">
{{#sources}}<li>{{kind}} {{location}} — {{status}}, last success {{lastSuccess}}{{#lastError}}<p class="reason">last error: {{lastError}}</p>{{/lastError}}</li>{{/sources}}
</ul>
{{/problem}}
</section>
{{/cards}}
</main>
</body>
</html>
"""#
}
