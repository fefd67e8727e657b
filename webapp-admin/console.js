/*
 * Flowcast admin console: polls stats.json (same login as the page) once a second and redraws the tiles,
 * tables and uPlot charts. No framework; the numbers come from the server's one stats snapshot.
 */
(function () {
  'use strict';

  var main = document.getElementById('console');
  var POLL_MS = parseInt(main.getAttribute('data-poll-millis'), 10) || 1000;
  var KEEP_SECONDS = 300; // the chart window: the server keeps the same five minutes of history
  var COLORS = ['#2f6fdd', '#1f9d6b', '#e07b12', '#8e44ad', '#c62828', '#16a2b8'];

  var series = { t: [], accepted: [], delivered: [], p50: [], p99: [], depths: {} };
  var charts = {};
  var lastOk = 0;

  function $(id) { return document.getElementById(id); }

  function fmt(n) {
    if (n === undefined || n === null || isNaN(n)) { return '–'; }
    var abs = Math.abs(n);
    if (abs >= 100 || Number.isInteger(n)) { return Math.round(n).toLocaleString('en-US'); }
    return n.toFixed(abs >= 10 ? 1 : abs >= 1 ? 1 : 2);
  }
  function ms(n) { return n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 10 ? n.toFixed(1) : n.toFixed(2); }
  function text(id, value) { var el = $(id); if (el.textContent !== value) { el.textContent = value; } }
  function cell(value, cls) { var td = document.createElement('td'); td.textContent = value; if (cls) { td.className = cls; } return td; }
  function row(cells) { var tr = document.createElement('tr'); cells.forEach(function (c) { tr.appendChild(c); }); return tr; }
  function fill(tbody, rows) { tbody.replaceChildren.apply(tbody, rows); }

  // ---- charts ----

  function chartSize(el) { return { width: Math.max(200, el.clientWidth), height: el.clientHeight - 28 }; }

  var COUNTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];

  function makeChart(id, names, yLabel, wholeNumbers) {
    var el = $(id);
    var opts = {
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
      axes: [{ stroke: '#667285', grid: { stroke: '#eef1f5' } },
             { stroke: '#667285', grid: { stroke: '#eef1f5' }, size: 52, label: yLabel, labelSize: 14 }],
      series: [{}].concat(names.map(function (name, i) {
        return { label: name, stroke: COLORS[i % COLORS.length], width: 2, points: { show: false } };
      }))
    };
    if (wholeNumbers) { opts.axes[1].incrs = COUNTS; } // queued events: no half ticks
    var size = chartSize(el);
    opts.width = size.width;
    opts.height = size.height;
    var data = [[]].concat(names.map(function () { return []; }));
    var chart = new uPlot(opts, data, el);
    new ResizeObserver(function () { chart.setSize(chartSize(el)); }).observe(el);
    return chart;
  }

  function ensureCharts(stageNames) {
    if (!charts.rates) {
      charts.rates = makeChart('chart-rates', ['publish', 'deliver'], 'events/s');
      charts.latency = makeChart('chart-latency', ['p50', 'p99'], 'ms');
    }
    if (!charts.backlog && stageNames.length) {
      charts.backlog = makeChart('chart-backlog', stageNames, 'queued', true);
      charts.backlogStages = stageNames;
    }
  }

  function push(at, accepted, delivered, p50, p99, depths) {
    var t = at / 1000;
    var n = series.t.length;
    if (n && t <= series.t[n - 1]) { return; } // same or older second: nothing new to draw
    series.t.push(t);
    series.accepted.push(accepted);
    series.delivered.push(delivered);
    series.p50.push(p50);
    series.p99.push(p99);
    Object.keys(depths).forEach(function (name) {
      (series.depths[name] = series.depths[name] || new Array(n).fill(null)).push(depths[name]);
    });
    Object.keys(series.depths).forEach(function (name) {
      if (series.depths[name].length < series.t.length) { series.depths[name].push(null); }
    });
    while (series.t.length && series.t[0] < t - KEEP_SECONDS) {
      ['t', 'accepted', 'delivered', 'p50', 'p99'].forEach(function (k) { series[k].shift(); });
      Object.keys(series.depths).forEach(function (name) { series.depths[name].shift(); });
    }
  }

  function redrawCharts() {
    charts.rates.setData([series.t, series.accepted, series.delivered]);
    charts.latency.setData([series.t, series.p50, series.p99]);
    if (charts.backlog) {
      charts.backlog.setData([series.t].concat(charts.backlogStages.map(function (name) {
        return series.depths[name] || new Array(series.t.length).fill(null);
      })));
    }
  }

  // ---- tiles and tables ----

  function render(stats) {
    var total = stats.total;
    text('accepted-rate', fmt(total.acceptedPerSecond));
    text('delivered-rate', fmt(total.deliveredPerSecond));
    text('latency', total.latencyMs.count ? ms(total.latencyMs.p50) + ' / ' + ms(total.latencyMs.p99) : '– / –');
    var backlog = total.stages.reduce(function (sum, s) { return sum + s.depth; }, 0);
    text('backlog', fmt(backlog));
    text('sessions', fmt(total.sessions));
    text('subscriptions', 'subscriptions: ' + fmt(total.subscriptions));
    text('members', fmt(total.members));
    text('members-summary', total.members + (total.members === 1 ? ' member' : ' members') + ' · this node sees ' + stats.members);
    text('losses', fmt(total.dropped) + ' · ' + fmt(total.gaps) + ' · ' + fmt(total.clientsCut));
    $('losses').parentNode.classList.toggle('alert', total.dropped + total.gaps + total.clientsCut > 0);

    fill(document.querySelector('#stages tbody'), total.stages.map(function (s) {
      var pct = s.capacity ? Math.min(100, 100 * s.depth / s.capacity) : 0;
      var bar = document.createElement('div');
      bar.className = 'bar' + (pct >= 90 ? ' full' : pct >= 50 ? ' hot' : '');
      var fillEl = document.createElement('i');
      fillEl.style.width = Math.max(pct, s.depth > 0 ? 0.5 : 0) + '%';
      var label = document.createElement('span');
      label.textContent = fmt(s.depth) + ' / ' + fmt(s.capacity);
      bar.append(fillEl, label);
      var barCell = document.createElement('td');
      barCell.appendChild(bar);
      return row([cell(s.name), barCell, cell(fmt(s.inFlight)), cell(fmt(s.inPerSecond)), cell(fmt(s.outPerSecond)),
                  cell(fmt(s.dropped), s.dropped ? 'warn' : '')]);
    }));

    function memberRow(m, name) {
      var store = m.store; // persistent members only; never in the totals (no cluster-wide merge of store latencies)
      return row([cell(name || m.node), cell(fmt(m.sessions)), cell(fmt(m.subscriptions)), cell(fmt(m.acceptedPerSecond)),
                  cell(fmt(m.deliveredPerSecond)), cell(m.latencyMs.count ? ms(m.latencyMs.p99) : '–'), cell(fmt(m.accepted)),
                  cell(fmt(m.delivered)), cell(fmt(m.dropped), m.dropped ? 'warn' : ''), cell(fmt(m.gaps), m.gaps ? 'warn' : ''),
                  cell(store && store.writeMs.count ? ms(store.writeMs.p99) : '–', 'store-col'),
                  cell(store ? fmt(store.failures) : '–', 'store-col' + (store && store.failures ? ' warn' : ''))]);
    }
    renderStore(stats.cluster);
    fitTiles();
    fill(document.querySelector('#members-table tbody'), stats.cluster.map(function (m) {
      return memberRow(m, m.node + (m.memberId === stats.memberId ? ' (this)' : ''));
    }));
    fill(document.querySelector('#members-table tfoot'), [memberRow(total, 'total')]);

    var topics = total.topics.length ? total.topics.map(function (t) { return row([cell(t.topic), cell(fmt(t.subscribers))]); })
                                     : [row([cell('no subscriptions'), cell('')])];
    fill(document.querySelector('#topics tbody'), topics);

    var counters = [['accepted', total.accepted, false], ['rejected (429/503)', total.rejected, true],
                    ['delivered', total.delivered, false], ['dropped by policy', total.dropped, true],
                    ['gaps sent', total.gaps, true], ['slow clients cut', total.clientsCut, true]];
    var pairs = [];
    for (var i = 0; i < counters.length; i += 3) { // three label/value pairs a row: readable, and short
      pairs.push(row([].concat.apply([], counters.slice(i, i + 3).map(function (c) {
        return [cell(c[0], 'label'), cell(fmt(c[1]), c[2] && c[1] ? 'warn' : '')];
      }))));
    }
    fill(document.querySelector('#counters tbody'), pairs);
  }

  // The store tile and columns: shown once any member reports a store (persistent mode). Latencies of different
  // members' writes cannot be merged from their percentiles, so the tile shows the slowest member's (by p99) and
  // the sum of every member's failures.
  function renderStore(members) {
    var stores = members.map(function (m) { return m.store; }).filter(Boolean);
    main.classList.toggle('persistent', stores.length > 0);
    $('store-tile').hidden = stores.length === 0;
    if (!stores.length) { return; }
    var timed = stores.filter(function (s) { return s.writeMs.count > 0; });
    var slowest = timed.reduce(function (worst, s) { return worst && worst.writeMs.p99 >= s.writeMs.p99 ? worst : s; }, null);
    text('store-latency', slowest ? ms(slowest.writeMs.p50) + ' / ' + ms(slowest.writeMs.p99) : '– / –');
    var failures = stores.reduce(function (sum, s) { return sum + s.failures; }, 0);
    text('store-failures', fmt(failures));
    $('store-failures').classList.toggle('warn', failures > 0);
  }

  // A tile's number in a smaller font when it does not fit (delivery latencies of a replay run to "37,487 / 37,749").
  function fitTiles() {
    document.querySelectorAll('.tile b').forEach(function (b) {
      b.classList.remove('long');
      if (b.scrollWidth > b.clientWidth) { b.classList.add('long'); }
    });
  }

  // ---- polling ----

  function poll(first) {
    fetch('stats.json' + (first ? '?history=true' : ''), { credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        var type = response.headers.get('Content-Type') || '';
        if (type.indexOf('application/json') !== 0) {
          // the session ended: the server answered with the login page; show it
          window.location.reload();
          throw new Error('logged out');
        }
        return response.json();
      })
      .then(function (stats) {
        var total = stats.total;
        ensureCharts(total.stages.map(function (s) { return s.name; }));
        (stats.history || []).forEach(function (p) {
          push(p.at, p.acceptedPerSecond, p.deliveredPerSecond, p.p50, p.p99, p.depths);
        });
        var depths = {};
        total.stages.forEach(function (s) { depths[s.name] = s.depth; });
        push(total.at, total.acceptedPerSecond, total.deliveredPerSecond, total.latencyMs.p50, total.latencyMs.p99, depths);
        render(stats);
        redrawCharts();
        lastOk = Date.now();
        text('updated', 'updated ' + new Date(lastOk).toLocaleTimeString());
        $('live-dot').className = 'dot ok';
      })
      .catch(function () {
        if (Date.now() - lastOk > 3 * POLL_MS) {
          $('live-dot').className = 'dot stale';
          text('updated', lastOk ? 'no answer since ' + new Date(lastOk).toLocaleTimeString() : 'no answer');
        }
      })
      .finally(function () { setTimeout(poll, POLL_MS, false); });
  }

  // read by the browser test: how many chart points are drawn (it survives only as long as the page is not reloaded)
  window.flowcastConsole = { points: function () { return series.t.length; } };

  poll(true);
})();
